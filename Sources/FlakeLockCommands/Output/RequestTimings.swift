import Fetchers
import Foundation

/// Every HTTP request of a run, for `--timings`: when it started, got its first byte and
/// ended, its size, whether it opened a connection, and which earlier request it waited for
/// (``RequestTrace``). Writes a waterfall page and names the critical path: the chain of
/// dependent requests with the greatest total time, the floor of the run's wall time
/// however parallel the rest is.
final class RequestTimings: @unchecked Sendable {
    // @unchecked: `entries` is guarded by `lock`.
    struct Entry: Codable, Sendable, Equatable {
        var id: Int
        /// The URL, with passwords and token-like query values replaced by `***`.
        var url: String
        /// The fetch (flake reference) the request belongs to.
        var input: String
        /// The request whose result made this one known.
        var dependsOn: Int?
        /// Milliseconds since the run started.
        var startMs: Double
        var firstByteMs: Double?
        var endMs: Double
        var bytes: Int
        var status: Int?
        /// Exchanges (hops, attempts) that opened a connection, and that reused one.
        var newConnections: Int
        var reusedConnections: Int
        /// A `304 Not Modified`: the cached copy was still good.
        var cacheHit: Bool
        var error: String?
        var durationMs: Double { endMs - startMs }
    }

    let origin = ContinuousClock.now
    private let lock = NSLock()
    private var entries: [Int: Entry] = [:]
    private var nextID = 0

    func milliseconds(_ t: ContinuousClock.Instant) -> Double {
        let d = t - origin
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    /// Registers a request starting now; returns its id.
    func begin(url: String, trace: RequestTrace?) -> Int {
        let now = milliseconds(.now)
        return lock.withLock {
            nextID += 1
            entries[nextID] = Entry(
                id: nextID, url: Self.redact(url), input: Self.redact(trace?.label ?? "(walk)"),
                dependsOn: trace?.dependency,
                startMs: now, firstByteMs: nil, endMs: now, bytes: 0, status: nil, newConnections: 0,
                reusedConnections: 0, cacheHit: false, error: nil)
            return nextID
        }
    }

    /// Completes request `id`.
    func end(
        _ id: Int, status: Int?, bytes: Int, exchanges: [HTTPExchangeLog.Exchange], error: (any Error)?
    ) {
        let now = milliseconds(.now)
        lock.withLock {
            guard var e = entries[id] else { return }
            e.endMs = now
            e.status = status
            e.bytes = bytes
            e.cacheHit = status == 304
            e.newConnections = exchanges.filter(\.newConnection).count
            e.reusedConnections = exchanges.count - e.newConnections
            if let first = exchanges.first { e.firstByteMs = e.startMs + first.firstByteSeconds * 1000 }
            e.error = error.map { Self.redact(String(describing: $0)) }
            entries[id] = e
        }
    }

    var all: [Entry] { lock.withLock { entries.values.sorted { $0.id < $1.id } } }

    /// The chain of dependencies with the greatest sum of request times, first request first.
    static func criticalPath(_ entries: [Entry]) -> [Entry] {
        let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })
        var total: [Int: Double] = [:]
        // A dependency always has a smaller id (it was registered first).
        for e in entries.sorted(by: { $0.id < $1.id }) {
            total[e.id] = e.durationMs + (e.dependsOn.flatMap { total[$0] } ?? 0)
        }
        guard let last = entries.max(by: { (total[$0.id] ?? 0) < (total[$1.id] ?? 0) }) else { return [] }
        var chain = [last]
        while let d = chain.last?.dependsOn, let e = byID[d] { chain.append(e) }
        return chain.reversed()
    }

    /// Passwords in URLs and the values of token-like query parameters, as `***`.
    static func redact(_ text: String) -> String {
        let noPasswords = StderrLogHandler.redactPasswords(text)
        return noPasswords.replacingOccurrences(
            of:
                #"([?&](?:[A-Za-z0-9_.-]*(?:token|key|secret|password|passwd|sig|signature|auth|credential)[A-Za-z0-9_.-]*))=[^&#\s'"]*"#,
            with: "$1=***", options: [.regularExpression, .caseInsensitive])
    }

    /// The stderr summary: wall time, critical path and their ratio.
    func summary(wall: Duration, file: String?) -> [String] {
        let entries = all
        let wallMs = Double(wall.components.seconds) * 1000 + Double(wall.components.attoseconds) / 1e15
        let path = Self.criticalPath(entries)
        let pathMs = path.reduce(0) { $0 + $1.durationMs }
        let opened = entries.reduce(0) { $0 + $1.newConnections }
        let reused = entries.reduce(0) { $0 + $1.reusedConnections }
        var lines = [
            "timings: \(entries.count) requests (\(opened) new connections, \(reused) reused), wall time \(Self.ms(wallMs))"
        ]
        let ratio = pathMs > 0 ? String(format: "%.2f", wallMs / pathMs) : "n/a"
        lines.append(
            "timings: critical path \(path.count) requests, \(Self.ms(pathMs)); wall/critical path \(ratio)")
        for e in path {
            lines.append("timings:   \(Self.ms(e.durationMs)) \(e.url) (\(e.input))")
        }
        if let file { lines.append("timings: waterfall written to \(file)") }
        return lines
    }

    static func ms(_ v: Double) -> String { String(format: "%.0f ms", v) }
}

extension RequestTimings {
    /// A self-contained HTML page: an SVG waterfall (one row per request: waiting for the
    /// first byte, then receiving; the critical path in red, new connections marked) and the
    /// data as JSON in `<script type="application/json" id="flakelock-timings">`.
    func html(wall: Duration) throws -> String {
        let entries = all
        let path = Set(Self.criticalPath(entries).map(\.id))
        let wallMs = Double(wall.components.seconds) * 1000 + Double(wall.components.attoseconds) / 1e15
        struct Document: Codable {
            var wallMs: Double
            var criticalPath: [Int]
            var requests: [Entry]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // JSONEncoder writes `/` as `\/`, so no `</script>` can appear in the data.
        let json = String(
            decoding: try encoder.encode(
                Document(wallMs: wallMs, criticalPath: Self.criticalPath(entries).map(\.id), requests: entries)),
            as: UTF8.self)
        let span = max(wallMs, entries.map(\.endMs).max() ?? 0, 1)
        let rowHeight = 18
        let labelWidth = 520
        let plotWidth = 760
        let height = rowHeight * (entries.count + 2)
        func x(_ ms: Double) -> String { String(format: "%.1f", Double(labelWidth) + ms / span * Double(plotWidth)) }
        func w(_ ms: Double) -> String { String(format: "%.1f", max(1, ms / span * Double(plotWidth))) }
        var rows = ""
        for (i, e) in entries.enumerated() {
            let y = rowHeight * (i + 1)
            let critical = path.contains(e.id)
            let first = e.firstByteMs ?? e.endMs
            let label = "#\(e.id) \(e.input) \(e.url)"
            let title =
                "#\(e.id) \(e.url)\ninput \(e.input)\(e.dependsOn.map { "\nafter #\($0)" } ?? "")"
                + "\nstart \(Self.ms(e.startMs)), first byte \(e.firstByteMs.map(Self.ms) ?? "-"), end \(Self.ms(e.endMs))"
                + "\n\(e.bytes) bytes, HTTP \(e.status.map(String.init) ?? "-"), "
                + "\(e.newConnections) new / \(e.reusedConnections) reused connections\(e.cacheHit ? ", cache hit" : "")"
                + (e.error.map { "\n\($0)" } ?? "")
            rows += """
                <g class="\(critical ? "req critical" : "req")"><title>\(Self.escape(title))</title>\
                <text x="4" y="\(y + 13)">\(Self.escape(String(label.prefix(80))))</text>\
                <rect class="wait" x="\(x(e.startMs))" y="\(y + 3)" width="\(w(first - e.startMs))" height="12"/>\
                <rect class="recv" x="\(x(first))" y="\(y + 3)" width="\(w(e.endMs - first))" height="12"/>\
                \(e.newConnections > 0 ? "<circle class=\"conn\" cx=\"\(x(e.startMs))\" cy=\"\(y + 9)\" r=\"3\"/>" : "")\
                </g>

                """
        }
        let lines = summary(wall: wall, file: nil).map { "<li>\(Self.escape($0))</li>" }.joined()
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>flakelock timings</title>
            <style>
            body{font:13px sans-serif;margin:1em}
            svg text{font:11px monospace}
            .wait{fill:#9ec5e8}.recv{fill:#2b6cb0}
            .critical .wait{fill:#f4a3a3}.critical .recv{fill:#c53030}.critical text{font-weight:bold}
            .conn{fill:#2f855a}
            </style></head><body>
            <h1>flakelock timings</h1>
            <ul>\(lines)</ul>
            <p>Light: waiting for the first byte; dark: receiving; red: the critical path; green dot: a new connection.</p>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(labelWidth + plotWidth + 20)" height="\(height)">
            <line x1="\(labelWidth)" y1="0" x2="\(labelWidth)" y2="\(height)" stroke="#999"/>
            <text x="\(labelWidth + plotWidth - 80)" y="12">\(Self.ms(span))</text>
            \(rows)</svg>
            <script type="application/json" id="flakelock-timings">\(json)</script>
            </body></html>

            """
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
