import Foundation
import Logging

/// The swift-log handler of the command line: plain lines on stderr, as Nix prints its log
/// messages, with secrets (access tokens, passwords in URLs) redacted. Bootstrapped once,
/// by ``FlakeLockCommand/main()``.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    /// Strings never to print (the values of `access-tokens`).
    let secrets: [String]
    /// Writes one line; stderr unless a test passes something else.
    let write: @Sendable (String) -> Void

    init(
        logLevel: Logger.Level, secrets: [String], write: @escaping @Sendable (String) -> Void = Diagnostics.writeStderr
    ) {
        self.logLevel = logLevel
        self.secrets = secrets.filter { !$0.isEmpty }
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        write(redact(TerminalText.escape(event.message.description)) + "\n")
    }

    /// `text` with every secret and every password of a URL replaced by `***`.
    func redact(_ text: String) -> String {
        var out = text
        for secret in secrets { out = out.replacingOccurrences(of: secret, with: "***") }
        return Self.redactPasswords(out)
    }

    /// `text` with the password of every URL in it replaced by `***`.
    static func redactPasswords(_ text: String) -> String {
        text.replacingOccurrences(of: #"(://[^/@:\s]+):[^/@\s]+@"#, with: "$1:***@", options: .regularExpression)
    }

    /// swift-log's level for Nix's verbosity (`lvlInfo` = 3 is the default): `-v`
    /// (talkative) shows `.info`, `-vv` and `--debug` show `.debug`, `-vvvv` `.trace`.
    static func level(verbosity: Int) -> Logger.Level {
        switch verbosity {
        case ...3: .notice
        case 4: .info
        case 5, 6: .debug
        default: .trace
        }
    }
}
