import ArgumentParser
import FlakeLockBasics
import Foundation
import Logging

/// The `flakelock` root command.
public struct FlakeLockCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "flakelock",
        abstract: "A fast, standalone resolver and updater for Nix flake lock files.",
        discussion: """
            flakelock reads flake.nix and flake.lock, resolves flake inputs through libgit2, \
            libcurl and libarchive, and writes flake.lock byte-identical to what Nix writes — \
            without Nix installed.
            """,
        version: version,
        subcommands: [Lock.self, Update.self, Metadata.self, Prefetch.self, Hash.self, Audit.self, Diff.self, Why.self]
    )

    public init() {}

    /// Runs the command line and exits with Nix's exit statuses: 0, 1 for errors (usage
    /// errors included, printed as Nix prints them), 102 for a NAR hash mismatch.
    public static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(PairArgument.preprocess(Array(CommandLine.arguments.dropFirst())))
        } catch {
            // --help, --version and completion scripts exit 0 the ArgumentParser way.
            if exitCode(for: error) == .success { exit(withError: error) }
            Diagnostics.printError(UsageError(message: UsageMessages.nixWording(message(for: error))), style: .current)
            Foundation.exit(1)
        }
        let global = (command as? any HasGlobalOptions)?.global
        let showTrace = startLogging(global)
        let style = global?.compat.profile.errorStyle ?? .current
        do {
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as any UserFacingError {
            Diagnostics.printError(error, style: style, showTrace: showTrace)
            terminate(error.exitStatus)
        } catch let code as ExitCode {
            terminate(code.rawValue)  // e.g. `audit`'s 3: the report is already printed
        } catch {
            exit(withError: error)
        }
        terminate(0)
    }

    /// Ends the process once its work is done, without `exit`'s teardown: speculative
    /// fetches the result did not need may still be running on blocking threads inside
    /// libcurl, libgit2 or OpenSSL, and running atexit handlers and C++ static destructors
    /// under them crashed the process (SIGSEGV instead of the intended status). Everything
    /// that matters is finished by then: flake.lock and cache files are written atomically
    /// (temporary file, then rename), and the output is flushed here.
    static func terminate(_ status: Int32) -> Never {
        fflush(nil)
        _exit(status)
    }

    /// Bootstraps swift-log with the verbosity of the options (the settings read here only
    /// to know which tokens to redact); returns whether `show-trace` is on.
    static func startLogging(_ global: GlobalOptions?) -> Bool {
        let settings = global.flatMap {
            try? CommandContext.loadSettings(ProcessInfo.processInfo.environment, global: $0)
        }
        let level = StderrLogHandler.level(verbosity: global?.verbosity ?? 3)
        let secrets = Array(settings?.accessTokens.values ?? [:].values)
        LoggingSystem.bootstrap { _ in StderrLogHandler(logLevel: level, secrets: secrets) }
        return settings?.bool("show-trace") ?? false
    }
}
