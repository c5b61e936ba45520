import Foundation

/// The status line Nix's progress bar keeps at the bottom of a terminal: on stderr, redrawn
/// in place (`\r`, erase line), showing the downloads done and running and the bytes of the
/// latest one, and erased when the last running download ends. Only on a terminal that
/// takes control codes (see ``enabled(global:environment:)``).
final class ProgressLine: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    private let lock = NSLock()
    private var running: [Int: (url: String, bytes: Int)] = [:]
    private var nextID = 0
    private var done = 0
    private var shown = false
    private var lastDraw: ContinuousClock.Instant?
    private let write: @Sendable (String) -> Void
    private let width: Int

    init(width: Int = ProgressLine.terminalWidth(), write: @escaping @Sendable (String) -> Void = ProgressLine.writeRaw)
    {
        self.width = max(20, width)
        self.write = write
    }

    /// Whether to show progress: stderr is a terminal with control codes (as for colours:
    /// `TERM` set and not dumb, no `NO_COLOR`), no `--quiet`, no `-v` (log lines go there
    /// instead), and a `--log-format` that has a bar.
    static func enabled(global: GlobalOptions, environment: [String: String]) -> Bool {
        guard TerminalText.colourAllowed(fd: 2, environment: environment), global.quiet == 0, global.verbosity <= 3
        else { return false }
        return global.logFormat.map { $0.hasPrefix("bar") || $0.hasPrefix("multiline") } ?? true
    }

    /// A download began; returns its id.
    func started(_ url: String) -> Int {
        lock.withLock {
            nextID += 1
            running[nextID] = (url, 0)
            draw(force: true)
            return nextID
        }
    }

    /// `bytes` more arrived for download `id`.
    func received(_ id: Int, bytes: Int) {
        lock.withLock {
            running[id]?.bytes += bytes
            draw(force: false)
        }
    }

    /// Download `id` ended; the line goes when none is left.
    func finished(_ id: Int) {
        lock.withLock {
            running[id] = nil
            done += 1
            if running.isEmpty { erase() } else { draw(force: true) }
        }
    }

    /// Runs `body` (which writes to stderr) with the line erased; it is redrawn at the next event.
    func withLineErased(_ body: () -> Void) {
        lock.withLock {
            erase()
            body()
        }
    }

    private func erase() {
        if shown { write("\r\u{1B}[K") }
        shown = false
    }

    /// Redraws at most every 100 ms unless `force`.
    private func draw(force: Bool) {
        let now = ContinuousClock.now
        if !force, let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        guard let latest = running.max(by: { $0.key < $1.key })?.value else { return }
        var text = "[\(done)/\(done + running.count) downloads] downloading '\(latest.url)'"
        if latest.bytes > 0 { text += " " + Self.size(latest.bytes) }
        text = TerminalText.escape(text)
        if text.count > width - 1 { text = String(text.prefix(width - 2)) + "…" }
        write("\r\u{1B}[K" + text)
        shown = true
    }

    /// `512 B`, `1.5 KiB`, `12.0 MiB`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f %@", value, units[unit])
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        return ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }

    @Sendable static func writeRaw(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }
}
