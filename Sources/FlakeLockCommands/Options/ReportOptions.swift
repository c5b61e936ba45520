import ArgumentParser
import FlakeLockCore
import FlakeModel

/// `--format text|markdown|json` and `--json` (the same as `--format json`), on every
/// command that prints a report.
struct ReportOptions: ParsableArguments {
    @Flag(help: "Print the report as JSON (same as --format json).")
    var json = false

    @Option(help: "Output format: text, markdown (for a pull request or a GitHub step summary) or json.")
    var format: ReportFormat = .text

    func validate() throws {
        if json && format != .text && format != .json {
            throw ValidationError("--json conflicts with --format \(format.rawValue)")
        }
    }

    /// The format asked for.
    var selected: ReportFormat { json ? .json : format }

    /// Prints `report` in the selected format.
    func write(_ report: some PrintableReport) {
        switch selected {
        case .text: Diagnostics.writeStdout(report.text())
        case .markdown: Diagnostics.writeStdout(report.markdown())
        case .json: Diagnostics.writeJSON(report.json(), pretty: true)
        }
    }
}

/// A report with text, Markdown and JSON forms.
protocol PrintableReport {
    func text() -> String
    func markdown() -> String
    func json() -> JSONValue
}

extension LockChangeReport: PrintableReport {}
extension AuditReport: PrintableReport {}
