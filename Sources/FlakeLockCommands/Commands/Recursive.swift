import ArgumentParser
import FlakeLockAPI
import FlakeLockBasics
import FlakeLockCore
import FlakeModel
import Foundation

/// `--recursive` and its options, on `lock` and `update` (docs/recursive.md).
struct RecursiveOptions: ParsableArguments {
    @Flag(
        name: .customLong("recursive"),
        help: "Lock every flake (every flake.nix) under the directory, in one process with shared fetches.")
    var recursive = false

    @Option(
        name: .customLong("exclude"),
        help: ArgumentHelp(
            "With --recursive: skip flake directories matching this glob (fnmatch, relative to the directory; repeatable).",
            valueName: "glob"))
    var exclude: [String] = []

    @Option(
        name: .customLong("report"),
        help: "With --recursive: the combined report's format: text (on stderr), markdown or json (on stdout).")
    var report: ReportFormat = .text

    @Option(
        name: .customLong("report-file"),
        help: ArgumentHelp("With --recursive: write the combined report to this file.", valueName: "path"))
    var reportFile: String?

    @Option(
        name: .customLong("max-concurrent-flakes"),
        help: "With --recursive: lock at most this many flakes at once (default: the number of processors).")
    var maxConcurrentFlakes: Int?

    /// The usage errors of a recursive run: the options that only make sense for one flake,
    /// and a FLAKE that is not a directory.
    func check(flake: String?, lock: LockOptions) throws {
        guard recursive else {
            for (given, flag) in [
                (!exclude.isEmpty, "--exclude"), (report != .text, "--report"), (reportFile != nil, "--report-file"),
                (maxConcurrentFlakes != nil, "--max-concurrent-flakes"),
            ]
            where given {
                throw ValidationError("\(flag) needs --recursive")
            }
            return
        }
        for (given, flag) in [
            (lock.outputLockFile != nil, "--output-lock-file"),
            (lock.referenceLockFile != nil, "--reference-lock-file"),
        ]
        where given {
            throw ValidationError("\(flag) names one lock file and cannot be used with --recursive")
        }
        if let maxConcurrentFlakes, maxConcurrentFlakes < 1 {
            throw ValidationError("--max-concurrent-flakes must be at least 1")
        }
        if let flake {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: flake, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("with --recursive, '\(flake)' must be a directory")
            }
        }
    }
}

/// Locks every flake under a directory on one wiring: one fetcher, so each distinct
/// reference is resolved and downloaded once in the run (``SourceFetcher`` keeps every
/// fetch of the run by its attributes); flakes reached by a local path from another are
/// locked first; messages are collected per flake and printed in order.
enum RecursiveRunner {
    enum Status: String { case changed, unchanged, failed }

    /// One flake's result.
    struct Outcome: Sendable {
        var path: String
        var status: Status
        var written: Bool = false
        /// The lines the lock printed (warnings, the error), as Nix prints them.
        var messages: String = ""
        var error: String?
        var changes: LockChangeReport?
        var writtenLock: LockFileCommitter.WrittenLock?
    }

    /// Collects a flake's warnings.
    final class Collector: LockReporter, @unchecked Sendable {
        // @unchecked: `lines` is guarded by `lock`.
        private let lock = NSLock()
        private var lines = ""
        func warning(_ message: String) { lock.withLock { lines += "warning: \(message)\n" } }
        var text: String { lock.withLock { lines } }
    }

    static func run(
        _ ctx: CommandContext, directory: String?, options: RecursiveOptions, flags: LockFlags
    ) async throws {
        let root = FlakeDiscovery.canonical(
            (directory ?? ".").hasPrefix("/") ? directory! : ctx.currentDirectory + "/" + (directory ?? "."))
        let flakes = try await FlakeDiscovery.find(in: root, exclude: options.exclude)
        if flakes.isEmpty { ctx.reporter.warning("no flake.nix found under '\(root)'") }
        let (ordered, cycles) = FlakeDiscovery.order(flakes)
        let limiter = AsyncLimiter(
            limit: options.maxConcurrentFlakes ?? max(1, ProcessInfo.processInfo.activeProcessorCount))
        var perFlake = flags
        perFlake.commitLockFile = false  // one commit for the whole run, below
        var tasks: [String: Task<Outcome, Never>] = [:]
        for flake in ordered {
            let dependencies = flake.dependencies.compactMap { tasks[$0] }
            tasks[flake.relativePath] = Task { [perFlake] in
                for d in dependencies { _ = await d.value }
                return await limiter.withSlot { await lockOne(ctx, flake, flags: perFlake) }
            }
        }
        var outcomes: [Outcome] = []
        for flake in flakes {
            if let members = cycles[flake.relativePath] {
                let error =
                    "the flakes \(members.map { "'\($0)'" }.joined(separator: ", ")) depend on each other by local paths (a cycle); lock them one at a time"
                outcomes.append(
                    Outcome(path: flake.relativePath, status: .failed, messages: "error: \(error)\n", error: error))
            } else if let task = tasks[flake.relativePath] {
                outcomes.append(await task.value)
            }
        }
        for o in outcomes { Diagnostics.writeStderr(prefixed(o.messages, with: o.path)) }
        var failed = outcomes.contains { $0.status == .failed }
        if flags.commitLockFile {
            do {
                let revisions = try await LockFileCommitter.commitAll(
                    outcomes.compactMap(\.writtenLock), summary: ctx.settings.commitLockFileSummary)
                for (_, rev) in revisions { ctx.reporter.warning("committed new revision '\(rev)'") }
            } catch {
                Diagnostics.printError(error, style: ctx.profile.errorStyle)
                failed = true
            }
        }
        try writeReport(outcomes, options: options)
        if failed { throw ExitCode(1) }
    }

    static func lockOne(_ ctx: CommandContext, _ flake: FlakeDiscovery.Flake, flags: LockFlags) async -> Outcome {
        let collector = Collector()
        var outcome = Outcome(path: flake.relativePath, status: .unchanged)
        do {
            let ref = try ctx.parseFlakeArgument(flake.directory)
            let result = try await ctx.wiring.session(reporter: collector).lock(ref, flags: flags)
            let old = try LockFile.parse(Array(result.oldLockText.utf8), path: "flake.lock", profile: ctx.profile)
            let new = try LockFile.parse(Array(result.lockText.utf8), path: "flake.lock", profile: ctx.profile)
            outcome.changes = LockChangeReport(old: old, new: new, profile: ctx.profile)
            outcome.status = result.changed ? .changed : .unchanged
            outcome.written = result.written
            if result.written, let path = result.lockFilePath {
                outcome.writtenLock = .init(path: path, created: result.created, diff: result.diff)
            }
            outcome.messages = collector.text
        } catch {
            let text = Diagnostics.format(
                error, style: ctx.profile.errorStyle, showTrace: ctx.settings.bool("show-trace") ?? false)
            outcome.status = .failed
            outcome.messages = collector.text + text
            outcome.error = text.trimmingCharacters(in: .newlines)
        }
        return outcome
    }

    /// Every line of `text` behind `path: `.
    static func prefixed(_ text: String, with path: String) -> String {
        guard !text.isEmpty else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
            .map { "\(path): \($0)\n" }.joined()
    }

    // MARK: - The combined report

    static func summary(_ outcomes: [Outcome]) -> String {
        let n = { (s: Status) in outcomes.filter { $0.status == s }.count }
        return
            "\(outcomes.count) flake\(outcomes.count == 1 ? "" : "s"): \(n(.changed)) changed, \(n(.unchanged)) unchanged, \(n(.failed)) failed"
    }

    /// Per flake its status, then its changes or its error; the summary last.
    static func text(_ outcomes: [Outcome]) -> String {
        var out = ""
        for o in outcomes {
            out += "\(o.path): \(o.status.rawValue)\n"
            if let error = o.error { out += prefixed(error + "\n", with: "  ") }
            if o.status == .changed, let changes = o.changes {
                out +=
                    changes.changes.isEmpty
                    ? ""
                    : prefixed(
                        String(changes.text().split(separator: "\n").dropLast().joined(separator: "\n") + "\n"),
                        with: "  ")
            }
        }
        return out + summary(outcomes) + "\n"
    }

    /// A pull-request body: the summary, then one section per changed or failed flake.
    static func markdown(_ outcomes: [Outcome]) -> String {
        var out = "## flake.lock updates\n\n\(summary(outcomes))\n"
        for o in outcomes {
            if let error = o.error {
                out += "\n### `\(o.path)` (failed)\n\n```\n\(error)\n```\n"
            } else if o.status == .changed, let changes = o.changes {
                let body = changes.markdown()
                let heading = "## flake.lock updates\n\n"
                out +=
                    "\n### `\(o.path)`\n\n" + (body.hasPrefix(heading) ? String(body.dropFirst(heading.count)) : body)
            }
        }
        return out
    }

    /// `{ schemaVersion, summary: {changed, unchanged, failed}, flakes: [{ path, status,
    /// written, error?, changes? }] }`, `changes` in the form of `diff --json`.
    static func json(_ outcomes: [Outcome]) -> JSONValue {
        var top = JSONObject()
        top["schemaVersion"] = .number(.unsigned(1))
        var counts = JSONObject()
        for s in [Status.changed, .unchanged, .failed] {
            counts[s.rawValue] = .number(.unsigned(UInt64(outcomes.filter { $0.status == s }.count)))
        }
        top["summary"] = .object(counts)
        top["flakes"] = .array(
            outcomes.map { o in
                var f = JSONObject()
                f["path"] = .string(o.path)
                f["status"] = .string(o.status.rawValue)
                f["written"] = .bool(o.written)
                if let error = o.error { f["error"] = .string(error) }
                if let changes = o.changes { f["changes"] = changes.json() }
                return .object(f)
            })
        return .object(top)
    }

    static func writeReport(_ outcomes: [Outcome], options: RecursiveOptions) throws {
        let body: String
        switch options.report {
        case .text: body = options.reportFile == nil ? summary(outcomes) + "\n" : text(outcomes)
        case .markdown: body = markdown(outcomes)
        case .json: body = json(outcomes).prettyText + "\n"
        }
        if let file = options.reportFile {
            try AtomicFile.write(Array(body.utf8), to: file)
        } else if options.report == .text {
            Diagnostics.writeStderr(body)
        } else if options.report == .json {
            Diagnostics.writeJSON(json(outcomes), pretty: true)
        } else {
            Diagnostics.writeStdout(body)
        }
    }
}
