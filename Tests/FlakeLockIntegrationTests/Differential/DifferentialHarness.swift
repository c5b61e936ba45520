import FlakeLockTestSupport
import Foundation
import Testing

// Differential tests: every scenario runs step by step twice in the same directory
// (ROOT/top), once with Debian's Nix 2.8 and once with the built `flakelock --compat nix-2.8`,
// with the universe rebuilt from scratch in between (same commit hashes, same paths), so
// flake.lock files compare byte for byte without normalisation. After every command step
// the exit status (zero or not) and the flake.lock bytes must agree.

/// One step of a differential scenario.
struct DiffStep: Sendable {
    enum Kind: Sendable {
        /// A Nix command line (`["flake", "lock", "--update-input", "a"]`), mapped for flakelock.
        case run([String])
        /// A change to the universe (upstream moves, flake.nix edited, …).
        case change(@Sendable (ForgeUniverse) throws -> Void)
    }
    enum Expect: Sendable { case success, failure, any }

    var kind: Kind
    var label: String
    /// What Nix must do (a check of the scenario itself; flakelock is compared with Nix).
    var expect: Expect = .success
    /// Both engines must print this on stderr.
    var stderrContains: String? = nil
    /// Both engines must leave flake.lock byte-identical (or absent) in this step.
    var lockUnchanged = false

    static func nix(
        _ args: String, expect: Expect = .success, stderrContains: String? = nil, lockUnchanged: Bool = false
    ) -> DiffStep {
        DiffStep(
            kind: .run(args.split(separator: " ").map(String.init)), label: "nix " + args, expect: expect,
            stderrContains: stderrContains, lockUnchanged: lockUnchanged)
    }

    static func nixArgs(_ args: [String], expect: Expect = .success) -> DiffStep {
        DiffStep(kind: .run(args), label: "nix " + args.joined(separator: " "), expect: expect)
    }

    static func change(_ label: String, _ f: @escaping @Sendable (ForgeUniverse) throws -> Void) -> DiffStep {
        DiffStep(kind: .change(f), label: label, expect: .any)
    }

    static let lock = DiffStep.nix("flake lock")
    static let update = DiffStep.nix("flake update")
    static let metadata = DiffStep.nix("flake metadata --json")
}

/// A differential scenario: a universe (including the top-level flake in `ROOT/top`) and steps.
struct DiffScenario: Sendable, CustomTestStringConvertible {
    var name: String
    var setup: @Sendable (ForgeUniverse) throws -> Void
    var steps: [DiffStep]
    var extraNixConfig = ""
    /// Both engines keep their fetcher caches between steps (a machine that locked before),
    /// instead of starting every step cold. Nix's store is kept either way.
    var warmCaches = false

    var testDescription: String { name }
}

/// What one engine did in one command step.
struct DiffStepResult {
    var label: String
    var arguments: [String]
    var status: Int32
    var timedOut: Bool
    var stdout: String
    var stderr: String
    var lockBefore: Data?
    var lockAfter: Data?
    /// `git status --porcelain` of the top-level flake after the step, when it is a Git work
    /// tree (Nix marks a lock file it wrote there as intended to be added).
    var gitStatusAfter: String?
}

/// Owns the fake forge and the universe root shared by a suite's scenarios.
final class DifferentialHarness: @unchecked Sendable {
    // @unchecked: the scenarios of one suite run one at a time (`.serialized`).
    let root: String
    let forge: FakeForge
    let universe: ForgeUniverse
    /// Longest a single engine step may take.
    static let stepTimeout: TimeInterval = 90

    @TaskLocal static var current: DifferentialHarness?

    init(gitDaemon: Bool, hgServe: Bool = false) throws {
        root = try FixtureShell.makeTemporaryDirectory(prefix: "flakelock-diff")
        forge = try FakeForge(root: root, gitDaemon: gitDaemon, hgServe: hgServe, lifetime: 900)
        universe = ForgeUniverse(root: root, forge: forge)
    }

    func stop() {
        forge.stop()
        _ = try? ProcessRunner.run("/bin/chmod", ["-R", "u+rwx", root])
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The flakelock under test: `FLAKELOCK_DIFF_BINARY` if set, else the one built with the tests.
    static var flakelockBinary: String {
        ProcessInfo.processInfo.environment["FLAKELOCK_DIFF_BINARY"] ?? BuiltBinary.flakelock
    }

    /// flakelock's arguments for a Nix command line.
    static func flakelockArguments(_ nix: [String]) -> [String] {
        guard nix.count >= 2, nix[0] == "flake" else { return nix }
        var rest = Array(nix.dropFirst(2))
        switch nix[1] {
        case "lock": return ["lock", "--compat", "nix-2.8"] + rest
        case "update": return ["update", "--compat", "nix-2.8"] + rest
        case "metadata", "info":
            rest.removeAll { $0 == "--json" }
            return ["metadata", "--json", "--compat", "nix-2.8"] + rest
        default: return Array(nix.dropFirst())
        }
    }

    /// Runs the scenario with one engine; returns the results of the command steps.
    func run(_ scenario: DiffScenario, engine: String) throws -> [DiffStepResult] {
        try universe.reset()
        try scenario.setup(universe)
        let env = try ForgeEngineEnvironment(
            name: engine, universe: universe, forge: forge, extraNixConfig: scenario.extraNixConfig)
        let top = "\(root)/top"
        let lockPath = "\(top)/flake.lock"
        var results: [DiffStepResult] = []
        for step in scenario.steps {
            switch step.kind {
            case .change(let f):
                try f(universe)
            case .run(let rawArgs):
                let nixArgs = rawArgs.map(universe.expand)
                if !scenario.warmCaches { try env.clearCache() }
                let before = FileManager.default.contents(atPath: lockPath)
                let (exe, args) =
                    engine == "nix"
                    ? (NixOracle.executable ?? "/usr/bin/nix", nixArgs)
                    : (Self.flakelockBinary, Self.flakelockArguments(nixArgs))
                let r = try TimedProcess.run(
                    exe, args, environment: env.variables, currentDirectory: top, scratch: env.directory,
                    timeout: Self.stepTimeout)
                results.append(
                    DiffStepResult(
                        label: step.label, arguments: [exe] + args, status: r.status, timedOut: r.timedOut,
                        stdout: r.stdout, stderr: r.stderr, lockBefore: before,
                        lockAfter: FileManager.default.contents(atPath: lockPath),
                        gitStatusAfter: try Self.gitStatus(top)))
            }
        }
        return results
    }

    /// `git status --porcelain` of `dir` when it is a Git work tree.
    static func gitStatus(_ dir: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: dir + "/.git") else { return nil }
        return try ProcessRunner.run("/usr/bin/git", ["-C", dir, "status", "--porcelain"]).stdout
    }

    /// Runs the scenario with Nix, then with flakelock, and records every difference.
    func check(_ scenario: DiffScenario, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let started = Date()
        let nix = try run(scenario, engine: "nix")
        let nixDone = Date()
        let tool = try run(scenario, engine: "flakelock")
        if let out = ProcessInfo.processInfo.environment["FLAKELOCK_DIFF_OUT"] {
            try Self.save(scenario, ["nix": nix, "flakelock": tool], to: out)
            let times = String(
                format: "%@: nix %.2f s, flakelock %.2f s\n", scenario.name, nixDone.timeIntervalSince(started),
                Date().timeIntervalSince(nixDone))
            if let h = FileHandle(forWritingAtPath: "\(out)/times.txt")
                ?? {
                    _ = FileManager.default.createFile(atPath: "\(out)/times.txt", contents: nil)
                    return FileHandle(forWritingAtPath: "\(out)/times.txt")
                }()
            {
                h.seekToEndOfFile()
                h.write(Data(times.utf8))
                try? h.close()
            }
        }
        let commandSteps = scenario.steps.filter { if case .run = $0.kind { true } else { false } }
        for (i, step) in commandSteps.enumerated() {
            let n = nix[i]
            let t = tool[i]
            let whereText = "scenario '\(scenario.name)', step \(i + 1) `\(step.label)`"
            // The scenario itself: Nix must behave as the scenario says.
            switch step.expect {
            case .success where n.status != 0:
                Issue.record(
                    "\(whereText): Nix was expected to succeed but exited \(n.status):\n\(n.stderr)",
                    sourceLocation: sourceLocation)
            case .failure where n.status == 0:
                Issue.record(
                    "\(whereText): Nix was expected to fail but succeeded:\n\(n.stderr)", sourceLocation: sourceLocation
                )
            default: break
            }
            if let s = step.stderrContains, !n.stderr.contains(s) {
                Issue.record("\(whereText): Nix's stderr lacks '\(s)':\n\(n.stderr)", sourceLocation: sourceLocation)
            }
            if step.lockUnchanged, n.lockBefore != n.lockAfter {
                Issue.record("\(whereText): Nix changed flake.lock", sourceLocation: sourceLocation)
            }
            // flakelock against Nix.
            if t.timedOut {
                Issue.record(
                    "\(whereText): flakelock timed out after \(Int(Self.stepTimeout)) s", sourceLocation: sourceLocation
                )
            }
            if (n.status == 0) != (t.status == 0) {
                Issue.record(
                    """
                    \(whereText): exit status differs: nix \(n.status), flakelock \(t.status)
                    nix stderr:
                    \(Self.indent(n.stderr))
                    flakelock stderr:
                    \(Self.indent(t.stderr))
                    """, sourceLocation: sourceLocation)
            }
            if n.lockAfter != t.lockAfter {
                Issue.record(
                    """
                    \(whereText): flake.lock differs (- nix, + flakelock):
                    \(Self.diff(n.lockAfter, t.lockAfter))
                    flakelock stderr:
                    \(Self.indent(t.stderr))
                    """, sourceLocation: sourceLocation)
            }
            if let s = step.stderrContains, !t.stderr.contains(s) {
                Issue.record(
                    "\(whereText): flakelock's stderr lacks '\(s)':\n\(Self.indent(t.stderr))",
                    sourceLocation: sourceLocation)
            }
            if step.lockUnchanged, t.lockBefore != t.lockAfter {
                Issue.record(
                    "\(whereText): flakelock changed flake.lock:\n\(Self.diff(t.lockBefore, t.lockAfter))",
                    sourceLocation: sourceLocation)
            }
            if n.gitStatusAfter != t.gitStatusAfter {
                Issue.record(
                    """
                    \(whereText): git status of the top-level flake differs:
                    nix:
                    \(Self.indent(n.gitStatusAfter ?? ""))
                    flakelock:
                    \(Self.indent(t.gitStatusAfter ?? ""))
                    """, sourceLocation: sourceLocation)
            }
            if n.arguments.contains("metadata"), n.status == 0, t.status == 0 {
                let (nixRevision, toolRevision) = (Self.metadataRevision(n.stdout), Self.metadataRevision(t.stdout))
                if nixRevision != toolRevision {
                    Issue.record(
                        "\(whereText): metadata --json 'revision' differs: nix \(nixRevision ?? "none"), flakelock \(toolRevision ?? "none")",
                        sourceLocation: sourceLocation)
                }
                let a = Self.metadataLocks(n.stdout)
                let b = Self.metadataLocks(t.stdout)
                if a != b {
                    Issue.record(
                        "\(whereText): metadata --json 'locks' differs (- nix, + flakelock):\n\(Self.diff(a.map { Data($0.utf8) }, b.map { Data($0.utf8) }))",
                        sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// With `FLAKELOCK_DIFF_OUT=DIR`: DIR/SCENARIO/ENGINE/NN.{cmd,rc,stdout,stderr,flake.lock}.
    static func save(_ scenario: DiffScenario, _ results: [String: [DiffStepResult]], to out: String) throws {
        let slug = String(scenario.name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        for (engine, steps) in results {
            let d = "\(out)/\(slug)/\(engine)"
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            for (i, r) in steps.enumerated() {
                let n = String(format: "%02d", i + 1)
                try (r.arguments.joined(separator: " ") + "\n").write(
                    toFile: "\(d)/\(n).cmd", atomically: true, encoding: .utf8)
                try "\(r.status)\n".write(toFile: "\(d)/\(n).rc", atomically: true, encoding: .utf8)
                try r.stdout.write(toFile: "\(d)/\(n).stdout", atomically: true, encoding: .utf8)
                try r.stderr.write(toFile: "\(d)/\(n).stderr", atomically: true, encoding: .utf8)
                if let l = r.lockAfter { try l.write(to: URL(fileURLWithPath: "\(d)/\(n).flake.lock")) }
            }
        }
    }

    /// The top-level flake's `revision` in `nix flake metadata --json` (none when dirty).
    static func metadataRevision(_ stdout: String) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        return object?["revision"] as? String
    }

    /// The `locks` object of `nix flake metadata --json`, re-serialised canonically.
    static func metadataLocks(_ stdout: String) -> String? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any],
            let locks = obj["locks"],
            let data = try? JSONSerialization.data(withJSONObject: locks, options: [.sortedKeys, .prettyPrinted])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }

    /// A unified diff of two versions of a file (`diff -u`); "(absent)" for a missing file.
    static func diff(_ a: Data?, _ b: Data?) -> String {
        guard let dir = try? FixtureShell.makeTemporaryDirectory(prefix: "flakelock-diff-text") else { return "" }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: "\(dir)/nix", contents: a ?? Data("(absent)\n".utf8))
        _ = FileManager.default.createFile(atPath: "\(dir)/flakelock", contents: b ?? Data("(absent)\n".utf8))
        let r = try? ProcessRunner.run("/usr/bin/diff", ["-u", "nix", "flakelock"], currentDirectory: dir)
        return indent(r?.stdout ?? "")
    }
}

/// Starts one fake forge for a whole suite and stops it when the suite ends.
struct FakeForgeFixture: SuiteTrait, TestScoping {
    var gitDaemon = false
    var hgServe = false
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // Without nix (and outside CI) the tests skip themselves; don't start anything.
        guard NixOracle.executable != nil else { return try await function() }
        let harness = try DifferentialHarness(gitDaemon: gitDaemon, hgServe: hgServe)
        defer { harness.stop() }
        try await DifferentialHarness.$current.withValue(harness) { try await function() }
    }
}

extension Trait where Self == FakeForgeFixture {
    /// A fake forge shared by the suite's tests (see ``DifferentialHarness/current``).
    static func fakeForge(gitDaemon: Bool = false, hgServe: Bool = false) -> Self {
        FakeForgeFixture(gitDaemon: gitDaemon, hgServe: hgServe)
    }
}

/// Runs `scenario` under the suite's harness; skips (returns) without nix unless CI requires it.
func runDifferential(_ scenario: DiffScenario, sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard try NixOracle.available() else { return }
    let harness = try #require(DifferentialHarness.current, "the suite needs the .fakeForge() trait")
    try harness.check(scenario, sourceLocation: sourceLocation)
}
