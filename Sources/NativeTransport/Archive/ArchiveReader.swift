internal import CLibArchive
import Fetchers
import Foundation

/// Where libarchive reads from: a local file or a ``BytePipe``.
enum ArchiveInput {
    case file(String)
    /// A pipe; `first` is a chunk already taken from it (read before the pipe).
    case pipe(BytePipe, first: [UInt8]?)
    /// A seekable file descriptor, positioned at the start (owned by the caller).
    case descriptor(Int32)
}

/// The pipe end handed to libarchive's read callback; keeps the current chunk alive until
/// the next callback, as libarchive requires.
private final class PipeReadContext {
    let pipe: BytePipe
    var current: [UInt8] = []
    var error: (any Error)?
    var pending: [UInt8]?
    /// The stream's first bytes (up to ``prefixLimit``), for the commit id.
    var prefix: [UInt8] = []
    /// ``ArchiveCommitID/prefixLimit`` when the commit id is to be read, else 0.
    let prefixLimit: Int
    init(pipe: BytePipe, first: [UInt8]?, keepPrefix: Bool) {
        self.pipe = pipe
        self.pending = first
        self.prefixLimit = keepPrefix ? ArchiveCommitID.prefixLimit : 0
    }
}

private func pipeReadCallback(
    _: OpaquePointer?, _ clientData: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UnsafeRawPointer?>?
) -> Int {
    guard let clientData, let buffer else { return -1 }
    let ctx = Unmanaged<PipeReadContext>.fromOpaque(clientData).takeUnretainedValue()
    do {
        let next: [UInt8]?
        if let p = ctx.pending {
            ctx.pending = nil
            next = p
        } else {
            next = try ctx.pipe.next()
        }
        guard let chunk = next else { return 0 }
        if ctx.prefix.count < ctx.prefixLimit {
            ctx.prefix.append(contentsOf: chunk.prefix(ctx.prefixLimit - ctx.prefix.count))
        }
        ctx.current = chunk
        buffer.pointee = ctx.current.withUnsafeBytes { UnsafeRawPointer($0.baseAddress) }
        return ctx.current.count
    } catch {
        ctx.error = error
        return -1
    }
}

/// Owns a libarchive read handle (`struct archive *`), configured for every filter and
/// format libarchive knows.
///
/// Not Sendable: one thread reads an archive from open to close.
final class ArchiveReadHandle {
    private let pointer: OpaquePointer
    private var pipeContext: PipeReadContext?
    let source: String

    init(source: String) throws {
        guard let p = archive_read_new() else {
            throw ArchiveError.read(source: source, message: "archive_read_new failed")
        }
        pointer = p
        self.source = source
        archive_read_support_filter_all(p)
        archive_read_support_format_all(p)
    }

    deinit {
        archive_read_free(pointer)
    }

    /// The commit id of a `git archive` stream read from a pipe opened with `keepPrefix`
    /// (``ArchiveCommitID``), or nil.
    func commitID() -> String? {
        guard let ctx = pipeContext else { return nil }
        return ArchiveCommitID.read(fromPrefix: ctx.prefix)
    }

    func withHandle<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T { try body(pointer) }

    /// Opens `input`; with `keepPrefix`, a pipe's first bytes are kept for ``commitID()``.
    func open(_ input: ArchiveInput, keepPrefix: Bool = false) throws {
        let r: Int32
        switch input {
        case .file(let path):
            r = archive_read_open_filename(pointer, path, 1 << 16)
        case .descriptor(let fd):
            r = archive_read_open_fd(pointer, fd, 1 << 16)
        case .pipe(let pipe, let first):
            let ctx = PipeReadContext(pipe: pipe, first: first, keepPrefix: keepPrefix)
            pipeContext = ctx
            r = archive_read_open(pointer, Unmanaged.passUnretained(ctx).toOpaque(), nil, pipeReadCallback, nil)
        }
        guard r == ARCHIVE_OK else { throw lastError() }
    }

    /// The error of the last failed call: the download's own error if the pipe failed.
    func lastError() -> any Error {
        if let e = pipeContext?.error { return e }
        let msg = archive_error_string(pointer).map { String(cString: $0) } ?? "unknown libarchive error"
        return ArchiveError.read(source: source, message: msg)
    }

    /// Advances to the next entry; nil at the end.
    func nextEntry() throws -> ArchiveEntryInfo? {
        var entry: OpaquePointer? = nil
        let r = archive_read_next_header(pointer, &entry)
        if r == ARCHIVE_EOF { return nil }
        guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry else { throw lastError() }
        func bytes(_ p: UnsafePointer<CChar>?) -> [UInt8]? {
            guard let p else { return nil }
            return Array(
                UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
        }
        let type: ArchiveEntryInfo.FileType
        switch archive_entry_filetype(entry) {
        case 0o100000: type = .regular
        case 0o040000: type = .directory
        case 0o120000: type = .symlink
        default: type = .other
        }
        return ArchiveEntryInfo(
            path: bytes(archive_entry_pathname(entry)) ?? [],
            type: type,
            mode: UInt32(archive_entry_mode(entry)),
            mtime: archive_entry_mtime_is_set(entry) != 0 ? Int64(archive_entry_mtime(entry)) : nil,
            symlinkTarget: bytes(archive_entry_symlink(entry)),
            hardlinkTarget: bytes(archive_entry_hardlink(entry)),
            size: archive_entry_size_is_set(entry) != 0 ? Int64(archive_entry_size(entry)) : nil)
    }

    /// Streams the current entry's data as `tar -x` writes it: a sparse entry's holes (between
    /// libarchive's data blocks, and after the last block up to the entry's size) come back
    /// as runs of zeros, passed to `zeros` instead of `consume`.
    func readData(
        size: Int64?, _ consume: (UnsafeRawBufferPointer) throws -> Void, zeros: (UInt64) throws -> Void
    ) throws -> UInt64 {
        var position: Int64 = 0
        while true {
            var block: UnsafeRawPointer? = nil
            var length = 0
            var offset: la_int64_t = 0
            let r = archive_read_data_block(pointer, &block, &length, &offset)
            if r == ARCHIVE_EOF { break }
            if r == ARCHIVE_WARN && length == 0 { continue }
            guard r == ARCHIVE_OK || r == ARCHIVE_WARN else { throw lastError() }
            // Blocks arrive in increasing offsets; a gap is a hole.
            if offset > position {
                try zeros(UInt64(offset - position))
                position = offset
            }
            guard offset == position else {
                throw ArchiveError.read(source: source, message: "overlapping data blocks in a sparse entry")
            }
            if let block, length > 0 {
                try consume(UnsafeRawBufferPointer(start: block, count: length))
                position += Int64(length)
            }
        }
        if let size, size > position {
            try zeros(UInt64(size - position))
            position = size
        }
        return UInt64(position)
    }
}

/// The facts of one archive entry that matter for hashing.
struct ArchiveEntryInfo {
    enum FileType { case regular, directory, symlink, other }
    var path: [UInt8]
    var type: FileType
    var mode: UInt32
    var mtime: Int64?
    var symlinkTarget: [UInt8]?
    var hardlinkTarget: [UInt8]?
    /// The size of the extracted file (for a sparse entry: holes included); nil if unknown.
    var size: Int64?
}
