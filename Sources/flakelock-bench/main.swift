// Benchmarks (not tests): each prints its figures. See BENCHMARKS.md.
//   flakelock-bench sha256 [MiB]
//       single-core SHA-256 throughput of swift-crypto on 64 KiB buffers
//   flakelock-bench lock [--inputs N] [--delay-ms D] [--backlog B] [--runs R] [--flakelock PATH]
//       cold lock of N GitHub inputs following the root's nixpkgs, a no-op lock and an
//       update of one input: Nix 2.8 and flakelock on the same fake forge with D ms per request
//   flakelock-bench tree [--delay-ms D] [--runs R] [--flakelock PATH]
//       cold lock of a 102-node tree (30 GitHub inputs, each with children known only once
//       its flake.nix is read, some with grandchildren): Nix 2.8 and flakelock, D ms per request
//       (lock) and a listen backlog of B (default 256; 5 is a small server's); with a flakelock that
//       has `--timings`, also its cold lock's wall/critical path ratio
//   flakelock-bench prefetch [--files N] [--mib M] [--runs R] [--flakelock PATH]
//       a nixpkgs-sized GitHub input (and the same repository over git+http, cold and warm):
//       `nix flake prefetch` and `flakelock prefetch`, wall time and peak RSS
//   flakelock-bench recursive [--delay-ms D] [--runs R] [--flakelock PATH]
//       a monorepo of 20 sub-flakes: Nix 2.8 and flakelock once per sub-flake, `lock --recursive`,
//       and `lock --recursive` on a second machine with the fact cache (nginx WebDAV)
//   flakelock-bench public [--delay-ms D] [--runs R] [--flakelock PATH]
//       cold lock of a flake whose inputs are the real public flakes of the corpus, with their
//       real lock files: Nix 2.8 and flakelock, D ms per request
import Crypto
import FlakeLockTestSupport
import Foundation

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? .nan : s[s.count / 2]
}

func option(_ name: String, _ args: [String], _ fallback: String) -> String {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
    return args[i + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("flakelock-bench: \(message)\n".utf8))
    exit(1)
}

/// Runs a command under GNU time; returns (wall seconds, peak RSS in MiB, exit status, stderr).
func measure(_ argv: [String], env: [String: String], cwd: String) throws -> (
    wall: Double, rssMiB: Double, status: Int32, stderr: String
) {
    let timeFile = env["TMPDIR", default: "/tmp"] + "/bench-time-\(getpid())"
    let start = now()
    let r = try ProcessRunner.run(
        "/usr/bin/time", ["-f", "%M", "-o", timeFile] + argv, environment: env, currentDirectory: cwd)
    let wall = now() - start
    let kb =
        Double(
            (try? String(contentsOfFile: timeFile, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? ""
        ) ?? 0
    return (wall, kb / 1024, r.status, r.stderr)
}

func defaultFlakelock() -> String {
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    return exe.deletingLastPathComponent().appendingPathComponent("flakelock").path
}

func sha256Benchmark(_ args: [String]) {
    let mib = args.first.flatMap(Int.init) ?? 1024
    let buffer = [UInt8](repeating: 0x5a, count: 64 * 1024)
    var best = 0.0
    for _ in 0..<3 {
        var h = SHA256()
        let start = now()
        for _ in 0..<(mib * 16) { buffer.withUnsafeBytes { h.update(bufferPointer: $0) } }
        _ = h.finalize()
        best = max(best, Double(mib) / (now() - start))
    }
    print(String(format: "sha256_mib_per_s %.1f", best))
}

struct Engine {
    var name: String
    var lock: [String]
    var update: (String) -> [String]
    var prefetch: (String) -> [String]
}

func engines(flakelock: String) -> [Engine] {
    [
        Engine(
            name: "nix 2.8", lock: ["nix", "flake", "lock"],
            update: { ["nix", "flake", "lock", "--update-input", $0] },
            prefetch: { ["nix", "flake", "prefetch", "--json", $0] }),
        Engine(
            name: "flakelock", lock: [flakelock, "lock", "--compat", "nix-2.8"],
            update: { [flakelock, "lock", "--compat", "nix-2.8", "--update-input", $0] },
            prefetch: { [flakelock, "prefetch", "--compat", "nix-2.8", "--json", $0] }),
    ]
}

/// The options every forge benchmark takes (`--delay-ms`, `--runs`, `--flakelock`), and a
/// fresh fake forge with that delay, holding `nixos/nixpkgs`.
struct ForgeBench {
    var delay: Int
    var runs: Int
    var flakelock: String
    var forge: FakeForge
    var universe: ForgeUniverse
    /// The forge's listen backlog (`--backlog`; 5 is a small server's).
    var backlog: Int
    /// Where the forge and the universe live; removed when the benchmark is done.
    let root: TestDirectory

    init(_ args: [String], prefix: String, defaultRuns: Int = 5) throws {
        backlog = Int(option("--backlog", args, "256")) ?? 256
        delay = Int(option("--delay-ms", args, "50")) ?? 50
        runs = Int(option("--runs", args, String(defaultRuns))) ?? defaultRuns
        flakelock = option("--flakelock", args, defaultFlakelock())
        setenv("FLAKELOCK_FORGE_DELAY_MS", String(delay), 1)
        root = TestDirectory.make(prefix: prefix)
        forge = try FakeForge(root: root.path, backlog: backlog)
        universe = ForgeUniverse(root: root.path, forge: forge)
        try universe.reset()
        try universe.commit(
            "nixos/nixpkgs", id: "n1", files: ["flake.nix": "{ outputs = _: { }; }", "lib.nix": "1\n"])
    }
}

func lockBenchmark(_ args: [String]) throws {
    let n = Int(option("--inputs", args, "20")) ?? 20
    let bench = try ForgeBench(args, prefix: "flakelock-bench-lock")
    defer { bench.forge.stop() }
    let (delay, runs, flakelock, forge, universe) = (
        bench.delay, bench.runs, bench.flakelock, bench.forge, bench.universe
    )
    let backlog = bench.backlog
    let canTrace = hasTimings(flakelock)
    var ratios: [Double] = []
    var top = ["{", "  inputs.nixpkgs.url = \"github:nixos/nixpkgs\";"]
    for i in 0..<n {
        let name = String(format: "dep%02d", i)
        try universe.commit(
            "org/\(name)", id: "c1",
            files: [
                "flake.nix": "{ inputs.nixpkgs.url = \"github:nixos/nixpkgs\"; outputs = _: { }; }",
                "src/\(name).nix": "\(i)\n",
            ])
        top.append("  inputs.\(name).url = \"github:org/\(name)\";")
        top.append("  inputs.\(name).inputs.nixpkgs.follows = \"nixpkgs\";")
    }
    top += ["  outputs = _: { };", "}"]
    let moved = n > 7 ? "dep07" : "dep00"
    var times: [String: [String: [Double]]] = [:]
    var locks: [String: String] = [:]
    var commit = 2
    for run in 0..<runs {
        // Both engines see the same upstream state at every step: cold and no-op locks for
        // both, then one upstream commit, then the update for both.
        var dirs: [String: (String, ForgeEngineEnvironment)] = [:]
        func step(_ engine: Engine, _ label: String, _ argv: [String]) throws {
            let (dir, env) = dirs[engine.name]!
            // The cold lock is always timed (its wall/critical path ratio); with
            // FLAKELOCK_BENCH_TRACE every step prints flakelock's timings summary.
            let printTimings = ProcessInfo.processInfo.environment["FLAKELOCK_BENCH_TRACE"] != nil
            let traced = canTrace && engine.name == "flakelock" && (label == "cold lock" || printTimings)
            let m = try measure(
                argv + (traced ? ["--timings=\(dir).timings.html"] : []), env: env.variables, cwd: dir)
            guard m.status == 0 else { fail("\(engine.name) \(label) failed:\n\(m.stderr)") }
            times[label, default: [:]][engine.name, default: []].append(m.wall)
            if traced, label == "cold lock", let r = criticalPathRatio(m.stderr) { ratios.append(r) }
            if traced, printTimings {
                print(
                    "\(label): "
                        + m.stderr.split(separator: "\n").filter { $0.hasPrefix("timings:") }.joined(separator: "\n"))
            }
        }
        for engine in engines(flakelock: flakelock) {
            dirs[engine.name] = try freshTop(engine, top.joined(separator: "\n") + "\n", universe, forge)
            try step(engine, "cold lock", engine.lock)
            traceRequests(engine, forge)
            if run == 0 {
                locks[engine.name] = try String(contentsOfFile: dirs[engine.name]!.0 + "/flake.lock", encoding: .utf8)
            }
            try step(engine, "no-op lock", engine.lock)
        }
        try universe.commit("org/\(moved)", id: "c\(commit)", files: ["src/\(moved).nix": "moved \(commit)\n"])
        commit += 1
        for engine in engines(flakelock: flakelock) { try step(engine, "update one input", engine.update(moved)) }
    }
    let names = engines(flakelock: flakelock).map(\.name)
    requireIdentical(locks)
    print(
        "\(n) GitHub inputs following nixpkgs, \(delay) ms per request, backlog \(backlog), \(runs) runs, median wall time (identical locks)"
    )
    print(
        "step".padding(toLength: 20, withPad: " ", startingAt: 0) + names.map { $0.leftPadded(12) }.joined()
            + "ratio".leftPadded(9))
    for label in ["cold lock", "no-op lock", "update one input"] {
        let a = median(times[label]?[names[0]] ?? [])
        let b = median(times[label]?[names[1]] ?? [])
        print(
            label.padding(toLength: 20, withPad: " ", startingAt: 0)
                + String(format: "%11.3fs%11.3fs%8.1fx", a, b, a / b))
    }
    if !ratios.isEmpty {
        print(
            String(format: "flakelock cold lock: wall/critical path %.2f (median of %d)", median(ratios), ratios.count))
    }
}

/// Whether this flakelock has `lock --timings`.
func hasTimings(_ flakelock: String) -> Bool {
    (try? ProcessRunner.run(flakelock, ["lock", "--help"]))?.stdout.contains("--timings") ?? false
}

/// The figure of flakelock's `timings: … wall/critical path R` line.
func criticalPathRatio(_ stderr: String) -> Double? {
    guard let r = stderr.range(of: "wall/critical path ") else { return nil }
    return Double(stderr[r.upperBound...].prefix { $0.isNumber || $0 == "." })
}

/// A copy of the universe's top-level flake with `flakeNix`, for one engine, and that
/// engine's environment (its own store, caches and nix.conf).
func freshTop(_ engine: Engine, _ flakeNix: String, _ universe: ForgeUniverse, _ forge: FakeForge) throws -> (
    String, ForgeEngineEnvironment
) {
    let env = try ForgeEngineEnvironment(
        name: engine.name.replacingOccurrences(of: " ", with: "-"), universe: universe, forge: forge)
    let dir = try universe.top(["flake.nix": flakeNix]) + "-" + env.directory.split(separator: "/").last!
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.copyItem(atPath: universe.root + "/top", toPath: dir)
    forge.clearRequestLog()
    return (dir, env)
}

/// The wall time of one lock command (which must succeed).
func timed(_ engine: Engine, _ label: String, _ argv: [String], _ dir: String, _ env: ForgeEngineEnvironment) throws
    -> Double
{
    // With FLAKELOCK_BENCH_TRACE set, flakelock also writes its request waterfall and the
    // wall/critical-path summary is printed.
    let trace = ProcessInfo.processInfo.environment["FLAKELOCK_BENCH_TRACE"] != nil && engine.name == "flakelock"
    let m = try measure(argv + (trace ? ["--timings=\(dir).timings.html"] : []), env: env.variables, cwd: dir)
    guard m.status == 0 else { fail("\(engine.name) \(label) failed:\n\(m.stderr)") }
    if trace {
        print(m.stderr.split(separator: "\n").filter { $0.hasPrefix("timings:") }.prefix(4).joined(separator: "\n"))
    }
    return m.wall
}

/// With FLAKELOCK_BENCH_TRACE set, prints the forge's requests since the last clear.
func traceRequests(_ engine: Engine, _ forge: FakeForge) {
    guard ProcessInfo.processInfo.environment["FLAKELOCK_BENCH_TRACE"] != nil else { return }
    print("== requests of \(engine.name), cold lock")
    for line in forge.requestLog() { print(line) }
}

func requireIdentical(_ locks: [String: String]) {
    guard Set(locks.values).count != 1 else { return }
    let dump = locks.map { "== \($0.key)\n\($0.value)" }.joined(separator: "\n")
    fail("the engines wrote different lock files:\n\(dump)")
}

/// `runs` cold locks of the top-level flake `flakeNix` by each engine, which must write the
/// same lock: the median wall times of Nix 2.8 and flakelock, and the lock's node count.
func coldLocks(_ flakeNix: String, _ bench: ForgeBench) throws -> (nix: Double, flakelock: Double, nodes: Int) {
    var times: [String: [Double]] = [:]
    var locks: [String: String] = [:]
    var nodes = 0
    for _ in 0..<bench.runs {
        for engine in engines(flakelock: bench.flakelock) {
            let (dir, env) = try freshTop(engine, flakeNix, bench.universe, bench.forge)
            times[engine.name, default: []].append(try timed(engine, "cold lock", engine.lock, dir, env))
            traceRequests(engine, bench.forge)
            let text = try String(contentsOfFile: dir + "/flake.lock", encoding: .utf8)
            locks[engine.name] = text
            let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            nodes = (doc?["nodes"] as? [String: Any])?.count ?? 0
        }
        requireIdentical(locks)
    }
    let names = engines(flakelock: bench.flakelock).map(\.name)
    return (median(times[names[0]] ?? []), median(times[names[1]] ?? []), nodes)
}

/// A cold lock of a 102-node tree whose children are known only once each parent's
/// flake.nix is read: the root's `nixpkgs`; 30 inputs `p<i>`, each following the root's
/// `nixpkgs` and declaring its own `lib`, the shared `utils` (one fetch, 30 nodes) and, for
/// every eighth, a non-flake `data`; every fifth `lib` declares an `extra` input of its own
/// (a grandchild, a third round of fetches). No flake has a lock file.
func treeBenchmark(_ args: [String]) throws {
    let bench = try ForgeBench(args, prefix: "flakelock-bench-tree")
    defer { bench.forge.stop() }
    let (delay, runs, flakelock, forge, universe) = (
        bench.delay, bench.runs, bench.flakelock, bench.forge, bench.universe
    )
    try universe.commit("numtide/utils", id: "u1", files: ["flake.nix": "{ outputs = _: { }; }"])
    var top = ["{", "  inputs.nixpkgs.url = \"github:nixos/nixpkgs\";"]
    for i in 0..<30 {
        var libInputs = ""
        if i % 5 == 0 {
            try universe.commit("extra\(i)/x\(i)", id: "x\(i)", files: ["flake.nix": "{ outputs = _: { }; }\n"])
            libInputs = "inputs.extra.url = \"github:extra\(i)/x\(i)\"; "
        }
        try universe.commit("lib\(i)/l\(i)", id: "l\(i)", files: ["flake.nix": "{ \(libInputs)outputs = _: { }; }\n"])
        var parent = [
            "{", "  inputs.nixpkgs.url = \"github:nixos/nixpkgs\";", "  inputs.utils.url = \"github:numtide/utils\";",
            "  inputs.lib.url = \"github:lib\(i)/l\(i)\";",
        ]
        if i % 8 == 0 {
            try universe.commit("data\(i)/d\(i)", id: "d\(i)", files: ["data.txt": "data \(i)\n"])
            parent.append("  inputs.data = { url = \"github:data\(i)/d\(i)\"; flake = false; };")
        }
        parent += ["  outputs = _: { };", "}"]
        try universe.commit(
            "p\(i)/p\(i)", id: "p\(i)",
            files: ["flake.nix": parent.joined(separator: "\n") + "\n", "src/main.c": "int main(){return \(i);}\n"])
        top.append("  inputs.p\(i) = { url = \"github:p\(i)/p\(i)\"; inputs.nixpkgs.follows = \"nixpkgs\"; };")
    }
    top += ["  outputs = _: { };", "}"]
    let (a, b, nodes) = try coldLocks(top.joined(separator: "\n") + "\n", bench)
    if nodes != 102 { fail("\(nodes) lock nodes, not 102") }
    let names = engines(flakelock: flakelock).map(\.name)
    print("102-node tree, \(delay) ms per request, \(runs) runs, median wall time (identical locks)")
    print(String(format: "cold lock   %@ %7.3fs   %@ %7.3fs   %5.1fx", names[0], a, names[1], b, a / b))
}

func prefetchBenchmark(_ args: [String]) throws {
    let files = Int(option("--files", args, "40000")) ?? 40000
    let mib = Int(option("--mib", args, "160")) ?? 160
    let runs = Int(option("--runs", args, "3")) ?? 3
    let flakelock = option("--flakelock", args, defaultFlakelock())
    let root = TestDirectory.make(prefix: "flakelock-bench-prefetch")
    let forge = try FakeForge(root: root.path)
    defer { forge.stop() }
    let universe = ForgeUniverse(root: root.path, forge: forge)
    try universe.reset()
    // A source tree shaped like nixpkgs: many small text files in nested directories.
    var tree: [String: String] = ["flake.nix": "{ outputs = _: { }; }\n"]
    let perFile = max(16, mib * 1_048_576 / files)
    var rng = SystemRandomNumberGenerator()
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 =;{}\n".utf8)
    for i in 0..<files {
        let size = Int.random(in: perFile / 2...(perFile * 3 / 2), using: &rng)
        let bytes = (0..<size).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
        tree["pkgs/\(i % 40)/\(i % 997)/f\(i).nix"] = String(decoding: bytes, as: UTF8.self)
    }
    try universe.commit("nixos/nixpkgs", id: "big", files: tree)
    let rev = try universe.rev("nixos/nixpkgs", "big")
    print("repository: \(files) files, about \(mib) MiB; generated")
    let refs = [
        ("github", "github:nixos/nixpkgs/\(rev)"),
        ("git+http", "git+http://git.example/nixos/nixpkgs?ref=main&rev=\(rev)"),
    ]
    // Warm the forge's archive cache so that neither engine pays for compression.
    let warmEnv = try ForgeEngineEnvironment(name: "warm", universe: universe, forge: forge)
    _ = try measure(
        ["curl", "-s", "-o", "/dev/null", "https://github.com/nixos/nixpkgs/archive/\(rev).tar.gz"],
        env: warmEnv.variables, cwd: root.path)
    _ = try measure(
        ["curl", "-s", "-o", "/dev/null", "https://api.github.com/repos/nixos/nixpkgs/tarball/\(rev)"],
        env: warmEnv.variables, cwd: root.path)
    var results: [(String, String, Double, Double)] = []
    var hashes: [String: Set<String>] = [:]
    for (kind, ref) in refs {
        for engine in engines(flakelock: flakelock) {
            var cold: [Double] = []
            var warm: [Double] = []
            var rss: [Double] = []
            for _ in 0..<runs {
                let env = try ForgeEngineEnvironment(name: "e", universe: universe, forge: forge)
                let m = try measure(engine.prefetch(ref), env: env.variables, cwd: root.path)
                guard m.status == 0 else { fail("\(engine.name) prefetch \(ref) failed:\n\(m.stderr)") }
                cold.append(m.wall)
                rss.append(m.rssMiB)
                let out = try ProcessRunner.run(
                    engine.prefetch(ref)[0], Array(engine.prefetch(ref).dropFirst()), environment: env.variables,
                    currentDirectory: root.path)
                if let data = out.stdout.data(using: .utf8),
                    let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let h = o["hash"] as? String
                {
                    hashes[kind, default: []].insert(h)
                }
                let w = try measure(engine.prefetch(ref), env: env.variables, cwd: root.path)
                warm.append(w.wall)
            }
            results.append(("\(kind) cold", engine.name, median(cold), median(rss)))
            results.append(("\(kind) warm", engine.name, median(warm), .nan))
        }
    }
    for (kind, hs) in hashes where hs.count != 1 { fail("\(kind): the engines disagree on the NAR hash: \(hs)") }
    print("\(runs) runs each, median wall time and peak RSS (identical NAR hashes)")
    for label in ["github cold", "github warm", "git+http cold", "git+http warm"] {
        let rows = results.filter { $0.0 == label }
        guard rows.count == 2 else { continue }
        let (a, b) = (rows[0], rows[1])
        var line = label.padding(toLength: 16, withPad: " ", startingAt: 0)
        line += String(format: "  nix %7.2fs  flakelock %7.2fs  %5.1fx", a.2, b.2, a.2 / b.2)
        if !a.3.isNaN { line += String(format: "   RSS nix %5.0f MiB, flakelock %5.0f MiB", a.3, b.3) }
        print(line)
    }
}

/// The monorepo of `recursive`: 20 sub-flakes under `pkgs/`, each with nixpkgs and two to four
/// of four shared GitHub inputs (which follow its nixpkgs); `p18` and `p19` also use a sibling
/// through a relative `path:` input (`path:../p00`).
func monorepoFlakes(_ mono: String) -> [String: String] {
    let shared = ["utils", "devshell", "overlay", "data"]
    var flakes: [String: String] = [:]
    for i in 0..<20 {
        var lines = ["nixpkgs.url = \"github:nixos/nixpkgs\";"]
        for k in 0..<(2 + i % 3) {
            let s = shared[(i + k) % shared.count]
            lines += ["\(s).url = \"github:org/\(s)\";", "\(s).inputs.nixpkgs.follows = \"nixpkgs\";"]
        }
        if i >= 18 { lines.append("sibling.url = \"path:../p\(String(format: "%02d", i - 18))\";") }
        flakes[String(format: "pkgs/p%02d", i)] = flakeNix(lines.joined(separator: "\n"))
    }
    return flakes
}

/// Recreates the monorepo at `path` (same commit, same mtimes every time) and returns its sub-flakes.
func makeMonorepo(_ universe: ForgeUniverse, at path: String) throws -> [String] {
    if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    let repo = try GitFixtureRepository(at: path)
    let flakes = monorepoFlakes(path)
    for (dir, text) in flakes { try repo.write(dir + "/flake.nix", text) }
    _ = try repo.commit("init")
    try universe.setMTimes(path)
    return flakes.keys.sorted()
}

/// A lock's text with the `lastModified` of its `path:` nodes zeroed: Nix takes it from the
/// newest mtime under the path, and the sibling's flake.lock is written anew by every run.
func normalisedLock(_ text: String) -> String {
    guard let doc = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
        let nodes = doc["nodes"] as? [String: Any]
    else { return text }
    var out = text
    for case let node as [String: Any] in nodes.values {
        guard let locked = node["locked"] as? [String: Any], locked["type"] as? String == "path",
            let m = locked["lastModified"] as? Int
        else { continue }
        out = out.replacingOccurrences(of: "\"lastModified\": \(m),", with: "\"lastModified\": 0,")
    }
    return out
}

func recursiveBenchmark(_ args: [String]) throws {
    guard try LoopbackNginx.available() else { fail("nginx is required (Scripts/setup.sh installs it)") }
    let bench = try ForgeBench(args, prefix: "flakelock-bench-recursive", defaultRuns: 3)
    defer { bench.forge.stop() }
    let (delay, runs, flakelock, forge, universe) = (
        bench.delay, bench.runs, bench.flakelock, bench.forge, bench.universe
    )
    for s in ["utils", "devshell", "overlay", "data"] {
        try universe.commit(
            "org/\(s)", id: "c1",
            files: ["flake.nix": flakeNix("nixpkgs.url = \"github:nixos/nixpkgs\";"), "\(s).nix": "\(s)\n"])
    }
    let mono = universe.root + "/mono"
    let key = Curve25519.Signing.PrivateKey()
    let pub = key.publicKey.rawRepresentation
    let secretFile = universe.root + "/fact-cache.secret"
    try ("bench-1:" + (key.rawRepresentation + pub).base64EncodedString()).write(
        toFile: secretFile, atomically: true, encoding: .utf8)
    let publicKey = "bench-1:" + pub.base64EncodedString()
    let direct = ["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"]
    let labels = [
        "nix 2.8, once per sub-flake", "flakelock, once per sub-flake", "flakelock --recursive",
        "--recursive, 2nd machine, fact cache",
    ]
    var wall: [String: [Double]] = [:]
    var requests: [String: [Double]] = [:]
    var archives: [String: [Double]] = [:]
    var locks: [String: [String: String]] = [:]
    for run in 0..<runs {
        let nginx = try LoopbackNginx(root: universe.root + "/nginx-\(run)")
        defer { nginx.stop() }
        let configs = [
            "", "", "fact-cache = \(nginx.base)\nfact-cache-secret-key-file = \(secretFile)",
            "fact-cache = \(nginx.base)\nfact-cache-public-keys = \(publicKey)",
        ]
        for (i, label) in labels.enumerated() {
            let flakes = try makeMonorepo(universe, at: mono)
            let env = try ForgeEngineEnvironment(
                name: "m\(i)", universe: universe, forge: forge, extraNixConfig: configs[i])
            let variables = env.variables.merging(i >= 2 ? direct : [:]) { $1 }
            let compat = ["--compat", "nix-2.8"]
            forge.clearRequestLog()
            var total = 0.0
            if i < 2 {
                for dir in flakes {
                    let argv = i == 0 ? ["nix", "flake", "lock"] : [flakelock, "lock"] + compat
                    let m = try measure(argv, env: variables, cwd: mono + "/" + dir)
                    guard m.status == 0 else { fail("\(label): \(dir) failed:\n\(m.stderr)") }
                    total += m.wall
                }
            } else {
                let m = try measure([flakelock, "lock", "--recursive"] + compat, env: variables, cwd: mono)
                guard m.status == 0 else { fail("\(label) failed:\n\(m.stderr)") }
                total = m.wall
            }
            let log = forge.requestLog().filter { !$0.contains("CONNECT") }
            wall[label, default: []].append(total)
            requests[label, default: []].append(Double(log.count))
            archives[label, default: []].append(
                Double(log.filter { $0.contains("/tarball/") || $0.contains("/archive/") }.count))
            var these: [String: String] = [:]
            for dir in flakes {
                guard let text = try? String(contentsOfFile: "\(mono)/\(dir)/flake.lock", encoding: .utf8) else {
                    fail("\(label): \(dir) has no flake.lock")
                }
                these[dir] = normalisedLock(text)
            }
            if let first = locks[labels[0]], first != these {
                let diff = these.keys.sorted().filter { first[$0] != these[$0] }
                let d = diff.first!
                fail("\(label) wrote other locks than nix 2.8 (\(diff)):\n\(first[d]!)\n\(these[d]!)")
            }
            locks[label] = these
        }
    }
    print(
        "monorepo of 20 sub-flakes (nixpkgs + 2-4 of 4 shared GitHub inputs, 2 path: siblings), "
            + "\(delay) ms per request, \(runs) runs, medians (identical locks)")
    print(
        "method".padding(toLength: 38, withPad: " ", startingAt: 0) + "wall".leftPadded(10)
            + "requests".leftPadded(10) + "archives".leftPadded(10))
    for label in labels {
        print(
            label.padding(toLength: 38, withPad: " ", startingAt: 0)
                + String(
                    format: "%9.2fs%10.0f%10.0f", median(wall[label] ?? []), median(requests[label] ?? []),
                    median(archives[label] ?? [])))
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: " ", count: max(0, n - count)) + self }
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch args.first {
    case "sha256": sha256Benchmark(Array(args.dropFirst()))
    case "lock": try lockBenchmark(Array(args.dropFirst()))
    case "tree": try treeBenchmark(Array(args.dropFirst()))
    case "prefetch": try prefetchBenchmark(Array(args.dropFirst()))
    case "recursive": try recursiveBenchmark(Array(args.dropFirst()))
    case "public": try publicBenchmark(Array(args.dropFirst()))
    default:
        fail(
            "usage: flakelock-bench sha256 [MiB] | lock [--inputs N] [--delay-ms D] [--backlog B] [--runs R] | tree [--delay-ms D] [--backlog B] [--runs R] | prefetch [--files N] [--mib M] [--runs R] | recursive [--delay-ms D] [--runs R] | public [--delay-ms D] [--runs R]"
        )
    }
} catch {
    fail("\(error)")
}
