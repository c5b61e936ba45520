import FlakeModel
import Foundation

/// Builds lock files for the audit tests.
enum AuditFixtures {
    static let rev1 = String(repeating: "a", count: 40)
    static let rev2 = String(repeating: "b", count: 40)
    static let rev3 = String(repeating: "c", count: 40)
    static let hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    /// 2024-01-01T00:00:00Z
    static let jan2024: UInt64 = 1_704_067_200

    /// A `github` node: `locked` with rev/narHash/lastModified, `original` with an optional ref.
    static func github(
        _ owner: String, _ repo: String, rev: String = rev1, ref: String? = nil, host: String? = nil,
        lastModified: UInt64 = jan2024, inputs: [String: String] = [:], type: String = "github"
    ) -> String {
        let hostAttr = host.map { #""host": "\#($0)", "# } ?? ""
        let refAttr = ref.map { #", "ref": "\#($0)""# } ?? ""
        return """
            {\(inputsJSON(inputs))"locked": {\(hostAttr)"lastModified": \(lastModified), "narHash": "\(hash)", "owner": "\(owner)", "repo": "\(repo)", "rev": "\(rev)", "type": "\(type)"},
             "original": {\(hostAttr)"owner": "\(owner)", "repo": "\(repo)", "type": "\(type)"\(refAttr)}}
            """
    }

    /// A node with the given raw `locked` and `original` attribute objects.
    static func raw(locked: String, original: String, inputs: [String: String] = [:]) -> String {
        "{\(inputsJSON(inputs))\"locked\": \(locked), \"original\": \(original)}"
    }

    /// `inputs` values: a node key, or `["a","b"]` JSON for a follows path.
    static func inputsJSON(_ inputs: [String: String]) -> String {
        guard !inputs.isEmpty else { return "" }
        let members = inputs.sorted { $0.key < $1.key }.map { k, v in
            "\"\(k)\": " + (v.hasPrefix("[") ? v : "\"\(v)\"")
        }
        return "\"inputs\": {" + members.joined(separator: ", ") + "}, "
    }

    /// A lock file with `nodes` (key → node JSON) and a root with `root` inputs.
    static func lockText(root: [String: String], nodes: [String: String]) -> String {
        var all = nodes.map { "\"\($0.key)\": \($0.value)" }
        all.append("\"root\": {\(inputsJSON(root).dropLast(2))}")
        return "{\"nodes\": {\(all.joined(separator: ",\n"))}, \"root\": \"root\", \"version\": 7}"
    }

    static func lock(root: [String: String], nodes: [String: String], profile: CompatProfile = .nix) throws -> LockFile
    {
        try LockFile.parse(
            Array(lockText(root: root, nodes: nodes).utf8), path: "flake.lock", profile: profile, allowUnlocked: true)
    }

    /// A real lock file kept with the NixSyntax test vectors (see its SOURCE file).
    static func realLock(_ name: String, profile: CompatProfile = .nix) throws -> LockFile {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("NixSyntaxTests/Vectors/RealFlakes/\(name)/flake.lock")
        let data = try Data(contentsOf: url)
        return try LockFile.parse(Array(data), path: url.path, profile: profile, allowUnlocked: true)
    }

    /// A typical graph: root nixpkgs; home-manager follows it; tool has its own nixpkgs.
    static func sharedGraph() throws -> LockFile {
        try lock(
            root: ["nixpkgs": "nixpkgs", "home-manager": "home-manager", "tool": "tool"],
            nodes: [
                "nixpkgs": github("NixOS", "nixpkgs", rev: rev1, ref: "nixos-unstable"),
                "home-manager": github("nix-community", "home-manager", inputs: ["nixpkgs": #"["nixpkgs"]"#]),
                "tool": github("someone", "tool", inputs: ["nixpkgs": "nixpkgs_2", "utils": "utils"]),
                "nixpkgs_2": github(
                    "nixos", "NixPkgs", rev: rev2, ref: "nixos-unstable", lastModified: jan2024 - 86_400 * 30),
                "utils": github("numtide", "flake-utils", inputs: ["nixpkgs": #"["tool", "nixpkgs"]"#]),
            ])
    }
}
