/// Streaming serialiser for Nix ARchives (NAR).
///
/// Format (docs/nix-behaviour.md, "NAR"; Nix `src/libutil/archive.cc`):
///
///     str(s)  = u64 little-endian length of s, the bytes of s, zero bytes up to a multiple of 8
///     nar     = str("nix-archive-1") node
///     node    = str("(") str("type") body str(")")
///     body    = str("regular") [str("executable") str("")] str("contents") str(<bytes>)
///             | str("symlink") str("target") str(<target>)
///             | str("directory") { entry }
///     entry   = str("entry") str("(") str("name") str(<name>) str("node") node str(")")
///
/// Restrictions, each enforced here: entry names are non-empty, not `.` or `..`, contain
/// neither `/` nor NUL, and are strictly ascending in unsigned byte order within a
/// directory; a regular file's contents have exactly the declared size; exactly one root node.
///
/// The writer never holds the archive: bytes go to a ``NARSink`` through a small staging
/// buffer (large content chunks bypass it). Call ``finish()``, or the archive is incomplete.
public struct NARWriter<Sink: NARSink>: ~Copyable {
    private var sink: Sink
    private var staging: [UInt8] = []
    private var stack: [Frame] = []
    private var rootWritten = false
    private var bytesWritten: UInt64 = 0

    private enum Frame {
        case directory(lastName: [UInt8]?)
        case entry(hasNode: Bool)
    }

    static var stagingCapacity: Int { 64 * 1024 }

    /// Starts an archive on `sink` (writes the magic).
    public init(sink: consuming Sink) {
        self.sink = sink
        staging.reserveCapacity(Self.stagingCapacity)
        putToken(NARTokens.magic)
    }

    /// Total archive bytes written so far (the NAR size once finished).
    public var size: UInt64 { bytesWritten + UInt64(staging.count) }

    // MARK: Nodes

    /// Writes a regular file with the given contents.
    public mutating func writeRegular(executable: Bool, contents: some Collection<UInt8>) throws {
        let bytes = Array(contents)
        try beginRegular(executable: executable, size: UInt64(bytes.count))
        try bytes.withUnsafeBytes { try writeContents($0) }
        try endRegular()
    }

    /// Streams a regular file whose chunks are pushed by the caller: call `begin`, then
    /// ``writeContents(_:)`` any number of times, then ``endRegular()``.
    public mutating func beginRegular(executable: Bool, size: UInt64) throws {
        try beginNode()
        putToken(executable ? NARTokens.regularExec : NARTokens.regular)
        putU64(size)
        pendingContents = (size, 0)
    }

    private var pendingContents: (size: UInt64, written: UInt64)?

    public mutating func writeContents(_ chunk: UnsafeRawBufferPointer) throws {
        guard var p = pendingContents else { throw NARError.misuse("writeContents outside a regular file") }
        p.written += UInt64(chunk.count)
        guard p.written <= p.size else { throw NARError.sizeMismatch(expected: p.size, actual: p.written) }
        pendingContents = p
        putRaw(chunk)
    }

    public mutating func endRegular() throws {
        guard let p = pendingContents else { throw NARError.misuse("endRegular outside a regular file") }
        guard p.written == p.size else { throw NARError.sizeMismatch(expected: p.size, actual: p.written) }
        pendingContents = nil
        putPadding(p.size)
        putToken(NARTokens.close)
    }

    /// Writes a symlink node; the target is stored verbatim (it may dangle or be absolute).
    public mutating func writeSymlink(target: some Collection<UInt8>) throws {
        try beginNode()
        putToken(NARTokens.symlink)
        putBytes(target)
        putToken(NARTokens.close)
    }

    /// Starts a directory node; add entries with ``beginEntry(name:)``…``endEntry()`` in
    /// strictly ascending byte order of name, then call ``endDirectory()``.
    public mutating func beginDirectory() throws {
        try beginNode()
        putToken(NARTokens.directory)
        stack.append(.directory(lastName: nil))
    }

    public mutating func endDirectory() throws {
        guard case .directory = stack.last else { throw NARError.misuse("endDirectory without beginDirectory") }
        stack.removeLast()
        putToken(NARTokens.close)
    }

    /// Starts an entry of the current directory. Exactly one node must follow before ``endEntry()``.
    public mutating func beginEntry(name: some Collection<UInt8>) throws {
        let name = Array(name)
        guard case .directory(let last) = stack.last else { throw NARError.misuse("entry outside a directory") }
        try NARError.checkName(name)
        if let last, !Self.lessThan(last, name) {
            throw NARError.unsortedEntry(previous: last, name: name)
        }
        stack[stack.count - 1] = .directory(lastName: name)
        stack.append(.entry(hasNode: false))
        putToken(NARTokens.entryOpen)
        putBytes(name)
        putToken(NARTokens.node)
    }

    public mutating func endEntry() throws {
        guard case .entry(let has) = stack.last, has else { throw NARError.misuse("endEntry without a node") }
        stack.removeLast()
        putToken(NARTokens.close)
    }

    /// Checks that the archive is complete, flushes, and returns the sink.
    public consuming func finish() throws -> Sink {
        guard rootWritten, stack.isEmpty, pendingContents == nil else { throw NARError.misuse("archive is incomplete") }
        flush()
        return sink
    }

    /// Unsigned byte-wise comparison, the order NAR requires.
    public static func lessThan(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    // MARK: Internals

    private mutating func beginNode() throws {
        if pendingContents != nil { throw NARError.misuse("node inside a regular file") }
        switch stack.last {
        case nil:
            guard !rootWritten else { throw NARError.misuse("second root node") }
            rootWritten = true
        case .entry(let has):
            guard !has else { throw NARError.misuse("second node in one entry") }
            stack[stack.count - 1] = .entry(hasNode: true)
        case .directory:
            throw NARError.misuse("node in a directory without an entry")
        }
    }

    private mutating func putU64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { putRaw($0) }
    }

    private mutating func putPadding(_ length: UInt64) {
        let pad = Int((8 - length % 8) % 8)
        if pad > 0 { narZeroPadding.withUnsafeBytes { putRaw(UnsafeRawBufferPointer(rebasing: $0[0..<pad])) } }
    }

    private mutating func putBytes(_ b: some Collection<UInt8>) {
        putU64(UInt64(b.count))
        if b.withContiguousStorageIfAvailable({ putRaw(UnsafeRawBufferPointer($0)) }) == nil {
            Array(b).withUnsafeBytes { putRaw($0) }
        }
        putPadding(UInt64(b.count))
    }

    private mutating func putToken(_ t: [UInt8]) {
        t.withUnsafeBytes { putRaw($0) }
    }

    private mutating func putRaw(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count >= Self.stagingCapacity / 2 {
            flush()
            sink.write(bytes)
            bytesWritten += UInt64(bytes.count)
            return
        }
        if staging.count + bytes.count > Self.stagingCapacity { flush() }
        staging.append(contentsOf: bytes)
    }

    private mutating func flush() {
        guard !staging.isEmpty else { return }
        staging.withUnsafeBytes { sink.write($0) }
        bytesWritten += UInt64(staging.count)
        staging.removeAll(keepingCapacity: true)
    }
}

/// Errors from ``NARWriter``.
public enum NARError: Error, Equatable, CustomStringConvertible {
    case invalidName([UInt8])
    case unsortedEntry(previous: [UInt8], name: [UInt8])
    case sizeMismatch(expected: UInt64, actual: UInt64)
    case misuse(String)

    static func checkName(_ name: [UInt8]) throws {
        if name.isEmpty || name == [0x2e] || name == [0x2e, 0x2e] || name.contains(0x2f) || name.contains(0) {
            throw NARError.invalidName(name)
        }
    }

    public var description: String {
        switch self {
        case .invalidName(let n): "NAR entry name '\(String(decoding: n, as: UTF8.self))' is invalid"
        case .unsortedEntry(let p, let n):
            "NAR entry '\(String(decoding: n, as: UTF8.self))' is not after '\(String(decoding: p, as: UTF8.self))' in byte order"
        case .sizeMismatch(let e, let a): "file size changed while reading: expected \(e) bytes, got \(a)"
        case .misuse(let m): "invalid NAR writer use: \(m)"
        }
    }
}
private let narZeroPadding = [UInt8](repeating: 0, count: 8)

/// The fixed parts of the format, encoded once (`str(…)` of each token, concatenated).
private enum NARTokens {
    static func encode(_ tokens: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for t in tokens {
            let b = Array(t.utf8)
            withUnsafeBytes(of: UInt64(b.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: b)
            while out.count % 8 != 0 { out.append(0) }
        }
        return out
    }
    static let magic = encode(["nix-archive-1"])
    static let regular = encode(["(", "type", "regular", "contents"])
    static let regularExec = encode(["(", "type", "regular", "executable", "", "contents"])
    static let symlink = encode(["(", "type", "symlink", "target"])
    static let directory = encode(["(", "type", "directory"])
    static let entryOpen = encode(["entry", "(", "name"])
    static let node = encode(["node"])
    static let close = encode([")"])
}
