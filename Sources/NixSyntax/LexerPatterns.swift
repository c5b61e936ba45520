/// Byte-level matchers for the regular expressions of Nix's lexer (`src/libexpr/lexer.l`).
/// Each returns the length of the longest match starting at `i`, or 0.
///
/// The lexer tries several patterns at every token start, and a path-like pattern may scan
/// far past the token that is then chosen (`a.b.c…` is one run of path characters read again
/// for every identifier in it). So the ends of those runs, and of chains of `/segment`s, are
/// computed once, right to left, and every pattern costs constant time plus what it matches.
struct LexerPatterns {
    let bytes: [UInt8]
    /// `pathRun[i]`: where the run of `PATH_CHAR`s starting at `i` ends (`i` if none).
    private let pathRun: [Int]
    /// `schemeRun[i]`: likewise for the characters of a URI scheme, `[a-zA-Z0-9+\-.]`.
    private let schemeRun: [Int]
    /// `segmentsEnd[i]`: where `(\/{PATH_CHAR}+)*` starting at `i` ends.
    private let segmentsEnd: [Int]
    /// The start of the last `*/` in the input, or -1.
    private let lastCommentClose: Int

    init(bytes: [UInt8]) {
        self.bytes = bytes
        let n = bytes.count
        var pathRun = Array(0...n)
        var schemeRun = Array(0...n)
        var segmentsEnd = Array(0...n)
        var lastClose = -1
        for i in stride(from: n - 1, through: 0, by: -1) {
            let c = bytes[i]
            if Self.isPathChar(c) { pathRun[i] = pathRun[i + 1] }
            if Self.isLetter(c) || Self.isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
                || c == UInt8(ascii: ".")
            {
                schemeRun[i] = schemeRun[i + 1]
            }
            if c == UInt8(ascii: "/"), i + 1 < n, Self.isPathChar(bytes[i + 1]) {
                segmentsEnd[i] = segmentsEnd[pathRun[i + 1]]
            }
            if lastClose < 0, c == UInt8(ascii: "*"), i + 1 < n, bytes[i + 1] == UInt8(ascii: "/") { lastClose = i }
        }
        self.pathRun = pathRun
        self.schemeRun = schemeRun
        self.segmentsEnd = segmentsEnd
        lastCommentClose = lastClose
    }

    /// The end of the run of `PATH_CHAR`s from `i`.
    private func pathCharsEnd(_ i: Int) -> Int { i < pathRun.count ? pathRun[i] : i }

    subscript(i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    static func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
    static func isLetter(_ c: UInt8?) -> Bool {
        guard let c else { return false }
        return (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }
    /// `PATH_CHAR`: `[a-zA-Z0-9\.\_\-\+]`.
    static func isPathChar(_ c: UInt8?) -> Bool {
        guard let c else { return false }
        return isLetter(c) || isDigit(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
    }
    static func isURIChar(_ c: UInt8?) -> Bool {
        guard let c else { return false }
        if isLetter(c) || isDigit(c) { return true }
        return "%/?:@&=+$,-_.!~*'".utf8.contains(c)
    }

    /// `ID`: `[a-zA-Z\_][a-zA-Z0-9\_\'\-]*`.
    func identifier(_ i: Int) -> Int {
        guard let c = self[i], Self.isLetter(c) || c == UInt8(ascii: "_") else { return 0 }
        var j = i + 1
        while let d = self[j],
            Self.isLetter(d) || Self.isDigit(d) || d == UInt8(ascii: "_") || d == UInt8(ascii: "'")
                || d == UInt8(ascii: "-")
        {
            j += 1
        }
        return j - i
    }

    /// `INT`: `[0-9]+`.
    func integer(_ i: Int) -> Int {
        var j = i
        while Self.isDigit(self[j]) { j += 1 }
        return j - i
    }

    /// `FLOAT`: `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?`.
    func float(_ i: Int) -> Int {
        var j = i
        if let c = self[i], c >= UInt8(ascii: "1"), c <= UInt8(ascii: "9") {
            j += 1
            while Self.isDigit(self[j]) { j += 1 }
            guard self[j] == UInt8(ascii: ".") else { return 0 }
            j += 1
            while Self.isDigit(self[j]) { j += 1 }
        } else {
            if self[j] == UInt8(ascii: "0") { j += 1 }
            guard self[j] == UInt8(ascii: "."), Self.isDigit(self[j + 1]) else { return 0 }
            j += 1
            while Self.isDigit(self[j]) { j += 1 }
        }
        if self[j] == UInt8(ascii: "e") || self[j] == UInt8(ascii: "E") {
            var k = j + 1
            if self[k] == UInt8(ascii: "+") || self[k] == UInt8(ascii: "-") { k += 1 }
            if Self.isDigit(self[k]) {
                while Self.isDigit(self[k]) { k += 1 }
                j = k
            }
        }
        return j - i
    }

    /// Matches `(\/{PATH_CHAR}+)+\/?` at `j`; returns the end index, or nil if no segment.
    private func slashSegments(_ start: Int) -> Int? {
        guard start < segmentsEnd.count else { return nil }
        var j = segmentsEnd[start]
        guard j > start else { return nil }
        if self[j] == UInt8(ascii: "/") { j += 1 }
        return j
    }

    /// `PATH`: `{PATH_CHAR}*(\/{PATH_CHAR}+)+\/?`.
    func path(_ i: Int) -> Int {
        slashSegments(pathCharsEnd(i)).map { $0 - i } ?? 0
    }

    /// `PATH_SEG`: `{PATH_CHAR}*\/`.
    func pathSegment(_ i: Int) -> Int {
        let j = pathCharsEnd(i)
        return self[j] == UInt8(ascii: "/") ? j + 1 - i : 0
    }

    /// `{PATH_CHAR}+`.
    func pathChars(_ i: Int) -> Int { pathCharsEnd(i) - i }

    /// Whether `${` starts at `i`.
    func isDollarCurly(_ i: Int) -> Bool {
        self[i] == UInt8(ascii: "$") && self[i + 1] == UInt8(ascii: "{")
    }

    /// `HPATH`: `\~(\/{PATH_CHAR}+)+\/?`.
    func homePath(_ i: Int) -> Int {
        guard self[i] == UInt8(ascii: "~") else { return 0 }
        return slashSegments(i + 1).map { $0 - i } ?? 0
    }

    /// `SPATH`: `\<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>`.
    func searchPath(_ i: Int) -> Int {
        guard self[i] == UInt8(ascii: "<"), Self.isPathChar(self[i + 1]) else { return 0 }
        let run = pathCharsEnd(i + 1)
        let j = run < segmentsEnd.count ? segmentsEnd[run] : run
        return self[j] == UInt8(ascii: ">") ? j + 1 - i : 0
    }

    /// `URI`: `[a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+`.
    func uri(_ i: Int) -> Int {
        guard Self.isLetter(self[i]) else { return 0 }
        var j = schemeRun[i]
        guard self[j] == UInt8(ascii: ":"), Self.isURIChar(self[j + 1]) else { return 0 }
        j += 1
        while Self.isURIChar(self[j]) { j += 1 }
        return j - i
    }

    /// A long comment `/* … */` (doc comments included): its length, or 0 if unterminated.
    func longComment(_ i: Int) -> Int {
        guard self[i] == UInt8(ascii: "/"), self[i + 1] == UInt8(ascii: "*") else { return 0 }
        // Without a `*/` after the opening there is no comment (and no need to look).
        guard lastCommentClose >= i + 2 else { return 0 }
        var j = i + 2
        while j + 1 < bytes.count {
            if bytes[j] == UInt8(ascii: "*") && bytes[j + 1] == UInt8(ascii: "/") { return j + 2 - i }
            j += 1
        }
        return 0
    }

    /// `''(\ *\n)?`: the opening of an indented string.
    func indentedOpen(_ i: Int) -> Int {
        guard self[i] == UInt8(ascii: "'"), self[i + 1] == UInt8(ascii: "'") else { return 0 }
        var j = i + 2
        while self[j] == UInt8(ascii: " ") { j += 1 }
        return self[j] == UInt8(ascii: "\n") ? j + 1 - i : 2
    }
}
