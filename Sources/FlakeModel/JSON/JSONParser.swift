import FlakeLockBasics

/// A JSON syntax error with its position (1-based line and byte column, as nlohmann reports).
public struct JSONParseError: UserFacingError, Equatable {
    public var line: Int
    public var column: Int
    /// What went wrong, e.g. `syntax error while parsing value - unexpected end of input`.
    public var detail: String

    public init(line: Int, column: Int, detail: String) {
        self.line = line
        self.column = column
        self.detail = detail
    }

    public var description: String {
        "[json.exception.parse_error.101] parse error at line \(line), column \(column): \(detail)"
    }
}

extension JSONValue {
    /// Parses JSON text (RFC 8259): objects, arrays, strings with all escapes including
    /// surrogate pairs, numbers, `true`/`false`/`null`. Strings must be valid UTF-8.
    ///
    /// - Parameter bytes: the UTF-8 text; surrounding whitespace is allowed, anything else
    ///   after the value is an error.
    /// - Throws: ``JSONParseError`` with line and column.
    public static func parse<C: Collection>(_ bytes: C) throws(JSONParseError) -> JSONValue where C.Element == UInt8 {
        var p = JSONParser(Array(bytes))
        p.skipWhitespace()
        let v = try p.parseValue(depth: 0)
        p.skipWhitespace()
        if p.pos < p.bytes.count {
            throw p.error(
                "syntax error while parsing value - unexpected '\(p.describeCurrent())'; expected end of input")
        }
        return v
    }

    /// Parses JSON text given as a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

struct JSONParser {
    let bytes: [UInt8]
    var pos = 0
    private static let maxDepth = 512

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func error(_ detail: String, at offset: Int? = nil) -> JSONParseError {
        let end = min(offset ?? pos, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<end where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return JSONParseError(line: line, column: end - lineStart + 1, detail: detail)
    }

    func describeCurrent() -> String {
        guard pos < bytes.count else { return "<end of input>" }
        let b = bytes[pos]
        return b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "<U+\(String(b, radix: 16, uppercase: true))>"
    }

    mutating func skipWhitespace() {
        while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < Self.maxDepth else { throw error("syntax error while parsing value - nesting too deep") }
        guard pos < bytes.count else {
            throw error("syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal")
        }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            throw error("syntax error while parsing value - invalid literal '\(describeCurrent())'")
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        for b in word.utf8 {
            guard pos < bytes.count, bytes[pos] == b else {
                throw error("syntax error while parsing value - invalid literal")
            }
            pos += 1
        }
        return value
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        pos += 1
        var obj = JSONObject()
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object(obj)
        }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw error(
                    "syntax error while parsing object key - unexpected '\(describeCurrent())'; expected string literal"
                )
            }
            let key = try parseString()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw error(
                    "syntax error while parsing object separator - unexpected '\(describeCurrent())'; expected ':'")
            }
            pos += 1
            skipWhitespace()
            obj[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard pos < bytes.count else {
                throw error("syntax error while parsing object - unexpected end of input; expected '}'")
            }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            if bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                return .object(obj)
            }
            throw error("syntax error while parsing object - unexpected '\(describeCurrent())'; expected '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        pos += 1
        var arr: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array(arr)
        }
        while true {
            skipWhitespace()
            arr.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard pos < bytes.count else {
                throw error("syntax error while parsing array - unexpected end of input; expected ']'")
            }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            if bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                return .array(arr)
            }
            throw error("syntax error while parsing array - unexpected '\(describeCurrent())'; expected ']'")
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard pos < bytes.count else { throw error("invalid string: '\\u' must be followed by 4 hex digits") }
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid string: '\\u' must be followed by 4 hex digits")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }

    mutating func parseString() throws(JSONParseError) -> String {
        pos += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw error("invalid string: missing closing quote") }
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                break
            }
            if c < 0x20 {
                throw error("invalid string: control character U+\(String(format4: c)) must be escaped")
            }
            if c == UInt8(ascii: "\\") {
                pos += 1
                guard pos < bytes.count else { throw error("invalid string: missing closing quote") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"),
                            bytes[pos + 1] == UInt8(ascii: "u")
                        else {
                            throw error("invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF")
                        }
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw error("invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid string: ill-formed escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw error("invalid string: forbidden character after backslash")
                }
                continue
            }
            // Raw bytes: validate one UTF-8 sequence.
            let len = try utf8SequenceLength(at: pos)
            out.append(contentsOf: bytes[pos..<pos + len])
            pos += len
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func utf8SequenceLength(at i: Int) throws(JSONParseError) -> Int {
        let b0 = bytes[i]
        if b0 < 0x80 { return 1 }
        let len: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: len = 2
        case 0xE0:
            len = 3
            lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: len = 3
        case 0xED:
            len = 3
            hi = 0x9F
        case 0xF0:
            len = 4
            lo = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4:
            len = 4
            hi = 0x8F
        default: throw error("invalid string: ill-formed UTF-8 byte", at: i)
        }
        guard i + len <= bytes.count else { throw error("invalid string: ill-formed UTF-8 byte", at: i) }
        for k in 1..<len {
            let b = bytes[i + k]
            let (l, h) = k == 1 ? (lo, hi) : (0x80, 0xBF)
            guard b >= l && b <= h else { throw error("invalid string: ill-formed UTF-8 byte", at: i + k) }
        }
        return len
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = pos
        var isInteger = true
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        func digit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        guard digit(pos) else {
            throw error("syntax error while parsing value - invalid number; expected digit after '-'")
        }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while digit(pos) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard digit(pos) else {
                throw error("syntax error while parsing value - invalid number; expected digit after '.'")
            }
            while digit(pos) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digit(pos) else {
                throw error("syntax error while parsing value - invalid number; expected digit after exponent sign")
            }
            while digit(pos) { pos += 1 }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if isInteger {
            if bytes[start] == UInt8(ascii: "-") {
                if let v = Int64(text) { return .signed(v) }
            } else if let v = UInt64(text) {
                return .unsigned(v)
            }
        }
        return .float(Double(text) ?? 0)
    }
}

extension String {
    init(format4 byte: UInt8) {
        let h = String(byte, radix: 16, uppercase: true)
        self = String(repeating: "0", count: 4 - h.count) + h
    }
}
