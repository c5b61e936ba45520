import FlakeLockTestSupport
import FlakeModel
import Foundation

/// A cold lock of a top-level flake whose inputs are real public flakes: every flake of the
/// real-flake corpus (Tests/NixSyntaxTests/Vectors/RealFlakes, each with its SOURCE) is
/// published on the fake forge under its own GitHub owner and name with its real flake.nix
/// and flake.lock, and the top-level flake takes them all as `github:OWNER/REPO`, with
/// `inputs.nixpkgs.follows = "nixpkgs"` where the flake has a nixpkgs input, as users write
/// it. Their transitive inputs come from their real lock files, so the lock is hundreds of
/// nodes while only the direct inputs are fetched.
///
/// Left out: flakes whose lock Nix would not reuse as it is (a direct input whose node
/// follows something flake.nix does not declare is refetched at its locked revision, a
/// commit of the real GitHub that no fake forge can serve), and flakes with a tarball input
/// Nix 2.8 cannot read (no archive extension, or locked with `lastModified`).
func publicBenchmark(_ args: [String]) throws {
    let corpus = RepositoryRoot.path + "/Tests/NixSyntaxTests/Vectors/RealFlakes"
    let bench = try ForgeBench(args, prefix: "flakelock-bench-public", defaultRuns: 3)
    defer { bench.forge.stop() }
    let (delay, runs, flakelock, universe) = (bench.delay, bench.runs, bench.flakelock, bench.universe)
    var top = ["{", "  inputs.nixpkgs.url = \"github:nixos/nixpkgs\";"]
    var used: [String] = []
    var skipped: [String] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: corpus).sorted() {
        let dir = corpus + "/" + name
        guard let flakeNix = try? String(contentsOfFile: dir + "/flake.nix", encoding: .utf8),
            let lockText = try? String(contentsOfFile: dir + "/flake.lock", encoding: .utf8),
            let source = try? String(contentsOfFile: dir + "/SOURCE", encoding: .utf8),
            let repo = githubRepository(source)
        else { continue }
        guard let rootInputs = reusableRootInputs(lockText, flakeNix) else {
            skipped.append(name)
            continue
        }
        try universe.commit(repo, id: "c1", files: ["flake.nix": flakeNix, "flake.lock": lockText])
        let input = "x-" + String(repo.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        top.append("  inputs.\(input).url = \"github:\(repo)\";")
        if rootInputs.contains("nixpkgs") { top.append("  inputs.\(input).inputs.nixpkgs.follows = \"nixpkgs\";") }
        used.append(repo)
    }
    top += ["  outputs = _: { };", "}"]
    let (a, b, nodes) = try coldLocks(top.joined(separator: "\n") + "\n", bench)
    let names = engines(flakelock: flakelock).map(\.name)
    print(
        "\(used.count) real public flakes with their real locks (\(nodes) lock nodes; left out: "
            + "\(skipped.isEmpty ? "none" : skipped.joined(separator: ", "))), \(delay) ms per request, "
            + "\(runs) runs, median wall time (identical locks)")
    print(String(format: "cold lock   %@ %7.3fs   %@ %7.3fs   %5.1fx", names[0], a, names[1], b, a / b))
}

/// `OWNER/NAME` of a SOURCE file's `repository: https://github.com/OWNER/NAME` line.
func githubRepository(_ source: String) -> String? {
    for line in source.split(separator: "\n") where line.hasPrefix("repository: https://github.com/") {
        let path = line.dropFirst("repository: https://github.com/".count).split(separator: "/")
        if path.count >= 2 { return "\(path[0])/\(path[1])" }
    }
    return nil
}

/// The names of the root node's inputs when Nix reuses the lock as it is, else nil: no
/// direct input's node has a follows edge that flake.nix does not declare
/// (``RealFlakeLocks/inputsNixRefetches(lock:flakeNix:)``, as RealFlakeNoOpLockTests uses),
/// and no tarball node is one Nix 2.8 cannot read.
func reusableRootInputs(_ lockText: String, _ flakeNix: String) -> Set<String>? {
    guard let doc = try? JSONSerialization.jsonObject(with: Data(lockText.utf8)) as? [String: Any],
        let nodes = doc["nodes"] as? [String: Any], let rootName = doc["root"] as? String,
        let root = nodes[rootName] as? [String: Any]
    else { return nil }
    let inputs = (root["inputs"] as? [String: Any]) ?? [:]
    // Nix 2.8 takes an `https://` URL for a tarball only by its extension (a FlakeHub URL
    // such as `https://flakehub.com/f/NixOS/nixpkgs/0.1` it calls unsupported).
    let archive = [".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tar.zst", ".tar", ".zip"]
    for case let node as [String: Any] in nodes.values {
        guard let original = node["original"] as? [String: Any], original["type"] as? String == "tarball",
            let url = original["url"] as? String
        else { continue }
        let path = url.split(separator: "?").first.map(String.init) ?? url
        if !archive.contains(where: { path.hasSuffix($0) }) { return nil }
        // nor a locked tarball with `lastModified` (current Nix writes it; 2.8 refuses it)
        if (node["locked"] as? [String: Any])?["lastModified"] != nil { return nil }
    }
    guard let lock = try? LockFile.parse(Array(lockText.utf8), path: "flake.lock", profile: .nix, allowUnlocked: true),
        RealFlakeLocks.inputsNixRefetches(lock: lock, flakeNix: flakeNix).isEmpty
    else { return nil }
    return Set(inputs.keys)
}
