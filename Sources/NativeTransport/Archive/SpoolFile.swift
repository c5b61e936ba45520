import Fetchers
import Foundation

/// An unlinked temporary file holding file contents in arrival order: sequential buffered
/// appends, positioned reads. It vanishes when closed (or when the process dies).
///
/// Not Sendable: used by one thread at a time (the archive consumer, then the NAR writer).
final class SpoolFile {
    /// Where spool files go and how much one input may put in them.
    struct Settings: Sendable {
        /// The directory (the command's `$TMPDIR`, read with the rest of the environment by
        /// ``NativeTransportSettings/from(environment:)``).
        var directory: String
        /// The most bytes one spool may hold (nil: no bound); past it appends throw
        /// ``ArchiveError/unpackedSizeLimit(source:limit:)``.
        var limit: UInt64?
    }

    private let fd: Int32
    private let limit: UInt64?
    private let source: String
    private var buffer: [UInt8] = []
    private var flushedSize: UInt64 = 0
    private static let bufferSize = 1 << 20

    /// - Parameter source: the archive or URL named when the limit is exceeded.
    init(_ settings: Settings, source: String) throws {
        let dir = settings.directory
        limit = settings.limit
        self.source = source
        var template = Array("\(dir)/flakelock-spool-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw ArchiveError.spool(
                message: "cannot create a temporary file in '\(dir)': \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { close(fd) }

    /// Current end offset (where the next append lands).
    var size: UInt64 { flushedSize + UInt64(buffer.count) }

    private func reserve(_ count: UInt64) throws {
        if let limit, size + count > limit { throw ArchiveError.unpackedSizeLimit(source: source, limit: limit) }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try reserve(UInt64(bytes.count))
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try writeAll(bytes)
            flushedSize += UInt64(bytes.count)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Appends `count` zero bytes (a sparse file's hole). Long runs become a hole in the
    /// spool itself, so they take no disk space.
    func appendZeros(_ count: UInt64) throws {
        guard count > 0 else { return }
        try reserve(count)
        if count < UInt64(Self.bufferSize) {
            if buffer.count + Int(count) > Self.bufferSize { try flush() }
            buffer.append(contentsOf: repeatElement(0, count: Int(count)))
            return
        }
        try flush()
        let end = flushedSize + count
        guard ftruncate(fd, off_t(end)) == 0, lseek(fd, 0, SEEK_END) == off_t(end) else {
            throw ArchiveError.spool(message: String(cString: strerror(errno)))
        }
        flushedSize = end
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        flushedSize += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < bytes.count {
            let n = write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.spool(message: String(cString: strerror(errno)))
            }
            off += n
        }
    }

    /// Flushes and rewinds; returns the descriptor (still owned by this spool) for reading
    /// the whole file from the start.
    func rewoundDescriptor() throws -> Int32 {
        try flush()
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw ArchiveError.spool(message: String(cString: strerror(errno))) }
        return fd
    }

    /// Streams `length` bytes at `offset` to `consume` through `scratch`.
    func read(
        offset: UInt64, length: UInt64, scratch: inout [UInt8], _ consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        if offset + length > flushedSize { try flush() }
        var pos = offset
        let end = offset + length
        try scratch.withUnsafeMutableBytes { buf in
            while pos < end {
                let want = Int(min(UInt64(buf.count), end - pos))
                let n = pread(fd, buf.baseAddress, want, off_t(pos))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ArchiveError.spool(message: String(cString: strerror(errno)))
                }
                if n == 0 { throw ArchiveError.spool(message: "unexpected end of spool file") }
                try consume(UnsafeRawBufferPointer(rebasing: buf[0..<n]))
                pos += UInt64(n)
            }
        }
    }
}
