import FlakeLockBasics
import Testing

/// Source text with a `1️⃣` marker where a diagnostic must land (the marker is removed).
struct MarkedText: Sendable, CustomTestStringConvertible {
    static let marker = "1️⃣"

    var source: String
    /// `line:column` of the marker in `source`.
    var markerPosition: String
    var original: String

    init(_ text: String) {
        original = text
        var line = 1
        var column = 1
        var position = "no marker"
        var source = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix(Self.marker) {
                position = "\(line):\(column)"
                rest = rest.dropFirst(Self.marker.count)
                continue
            }
            let c = rest.removeFirst()
            source.append(c)
            for scalar in c.unicodeScalars {
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
        }
        self.source = source
        self.markerPosition = position
    }

    var testDescription: String { original.debugDescription }
}
