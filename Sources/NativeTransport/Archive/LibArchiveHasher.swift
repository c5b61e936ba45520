import Fetchers
import FlakeLockBasics
import Foundation
import NixCompat

/// ``ArchiveHasher`` over libarchive: reads any format libarchive recognises (tar, gzip, xz,
/// bzip2, zstd, zip, …) and computes the NAR hash of its tree without unpacking to disk.
///
/// Downloads run as two blocking jobs joined by a bounded ``BytePipe``: the HTTP transfer
/// (producer) and the archive reader (consumer), so download and unpacking overlap. File
/// contents are spooled to an unlinked temporary file in arrival order; once the archive
/// ends, the NAR is written in byte order of names, reading the spool.
///
/// Consumers run on a dedicated pool with one thread per allowed concurrent download, so a
/// consumer can never wait behind producers for a thread (no deadlock however many
/// downloads are requested at once).
public final class LibArchiveHasher: ArchiveHasher {
    private let http: any HTTPTransport
    private let consumers: BlockingExecutor
    private let fileExecutor: BlockingExecutor
    private let limiter: AsyncLimiter
    private let spool: SpoolFile.Settings

    /// - Parameters:
    ///   - http: the transport that downloads.
    ///   - maxConcurrentDownloads: downloads hashed at the same time (more wait their turn).
    ///   - spoolDirectory: where the unlinked spool files go (``NativeTransportSettings/spoolDirectory``).
    ///   - maxUnpackedSize: the most bytes one archive may unpack to (or one `file` download
    ///     may have); past it the hashing fails with ``ArchiveError/unpackedSizeLimit(source:limit:)``.
    ///     nil: no bound.
    ///   - executor: where local archive files are read.
    public init(
        http: any HTTPTransport, maxConcurrentDownloads: Int = 8, spoolDirectory: String = "/tmp",
        maxUnpackedSize: UInt64? = nil, executor: BlockingExecutor = .shared
    ) {
        self.http = http
        let n = max(1, maxConcurrentDownloads)
        self.consumers = BlockingExecutor(threads: n)
        self.limiter = AsyncLimiter(limit: n)
        self.spool = SpoolFile.Settings(directory: spoolDirectory, limit: maxUnpackedSize)
        self.fileExecutor = executor
    }

    public func hashArchive(atPath path: String, options: ArchiveOptions) async throws -> ArchiveHashResult {
        let spool = self.spool
        return try await runCancellable(on: fileExecutor) { flag in
            try ArchiveTreeHashing.hash(input: .file(path), options: options, spool: spool, flag: flag)
        }
    }

    public func download(_ request: HTTPRequest, mode: DownloadHashMode) async throws -> DownloadHashResult {
        try await limiter.withSlot { [self] in
            try await pipeline(request, mode: mode)
        }
    }

    private func pipeline(_ request: HTTPRequest, mode: DownloadHashMode) async throws -> DownloadHashResult {
        let pipe = BytePipe()
        let spool = self.spool
        let url = request.url
        // The consumer is started first; it blocks on the pipe until bytes arrive.
        async let consumed: DownloadHashResult.Content = runCancellable(on: consumers) { flag in
            do {
                // A retried transfer restarts the pipe: hashing begins again from scratch.
                while true {
                    do {
                        let content = try Self.consume(pipe, mode: mode, url: url, spool: spool, flag: flag)
                        pipe.discardRemaining()
                        return content
                    } catch is BytePipe.Restarted {
                        continue
                    }
                }
            } catch {
                pipe.abandon(error)
                throw error
            }
        }
        let response: HTTPResponse
        do {
            response = try await http.get(request, into: pipe)
            pipe.finish()
        } catch {
            pipe.fail(error)
            // If the consumer failed first (unsafe entry, corrupt archive), its error is the cause.
            var consumerError: (any Error)?
            do { _ = try await consumed } catch let e { consumerError = e }
            if pipe.wasAbandoned, let consumerError { throw consumerError }
            throw error
        }
        if response.isNotModified {
            _ = try? await consumed
            return DownloadHashResult(response: response, content: .notModified)
        }
        return DownloadHashResult(response: response, content: try await consumed)
    }

    /// One pass of the consumer over the body in `pipe`.
    private static func consume(
        _ pipe: BytePipe, mode: DownloadHashMode, url: String, spool: SpoolFile.Settings, flag: CancellationFlag
    ) throws -> DownloadHashResult.Content {
        switch mode {
        case .archive(let options):
            return .archive(
                try ArchiveTreeHashing.hash(input: .pipe(pipe, first: nil), options: options, spool: spool, flag: flag))
        case .file:
            return try ArchiveTreeHashing.hashSingleFile(pipe: pipe, url: url, spool: spool)
        }
    }
}

/// The blocking hashing steps shared by files and downloads.
enum ArchiveTreeHashing {
    static func hash(
        input: ArchiveInput, options: ArchiveOptions, spool settings: SpoolFile.Settings, flag: CancellationFlag
    ) throws -> ArchiveHashResult {
        let reader = try ArchiveReadHandle(source: options.sourceDescription)
        let spool = try SpoolFile(settings, source: options.sourceDescription)
        var zipSpool: SpoolFile?
        if case .pipe(let pipe, _) = input {
            // Zip keeps modes and symlink flags in the central directory at the end, so a
            // zip is spooled whole and read seekably (as Nix reads its downloaded file).
            let first = try pipe.next()
            if let first, first.starts(with: [0x50, 0x4b]) {
                let whole = try SpoolFile(settings, source: options.sourceDescription)
                try first.withUnsafeBytes { try whole.append($0) }
                while let c = try pipe.next() { try c.withUnsafeBytes { try whole.append($0) } }
                try reader.open(.descriptor(try whole.rewoundDescriptor()))
                zipSpool = whole
            } else {
                try reader.open(.pipe(pipe, first: first), keepPrefix: options.readCommitID)
            }
        } else {
            try reader.open(input, keepPrefix: options.readCommitID)
        }
        let tree = ArchiveTree(
            source: options.sourceDescription, rejectEscapingSymlinks: options.rejectEscapingSymlinks)
        while let e = try reader.nextEntry() {
            if flag.isCancelled { throw CancellationError() }
            try add(e, to: tree, reader: reader, spool: spool)
        }
        withExtendedLifetime(zipSpool) {}
        let top = try tree.treeRoot(options.topLevel)
        try tree.checkSymlinks(below: top)
        let nodeReader = ArchiveTreeNode.SpoolReader(spool: spool)
        var writer = NARWriter(sink: SHA256Sink())
        try writer.write(tree: ArchiveTreeNode(node: top, reader: nodeReader))
        let sink = try writer.finish()
        var captured: [String: [UInt8]] = [:]
        for path in options.captureFiles {
            if let subtree = SubtreeHashCapture.path(of: path) {
                guard let comps = try? tree.components(Array(subtree.utf8)), let n = tree.lookup(comps, in: top) else {
                    continue
                }
                var subWriter = NARWriter(sink: SHA256Sink())
                try subWriter.write(tree: ArchiveTreeNode(node: n, reader: nodeReader))
                captured[path] = Array(try subWriter.finish().finalize().sri.utf8)
                continue
            }
            guard let comps = try? tree.components(Array(path.utf8)), let n = tree.lookup(comps, in: top),
                case .regular(_, let offset, let size) = n.kind, size <= UInt64(options.captureLimit)
            else { continue }
            var bytes: [UInt8] = []
            try spool.read(offset: offset, length: size, scratch: &nodeReader.scratch) { bytes.append(contentsOf: $0) }
            captured[path] = bytes
        }
        return ArchiveHashResult(
            narHash: sink.finalize(), narSize: sink.count, topLevelMtime: top.mtime, maxMtime: tree.maxMtime,
            capturedFiles: captured, entryCount: tree.entryCount,
            commitID: options.readCommitID ? reader.commitID() : nil)
    }

    private static func add(
        _ e: ArchiveEntryInfo, to tree: ArchiveTree, reader: ArchiveReadHandle, spool: SpoolFile
    ) throws {
        let shown = String(decoding: e.path, as: UTF8.self)
        let comps = try tree.components(e.path)
        if let link = e.hardlinkTarget {
            let target: ArchiveTree.Node?
            do { target = tree.lookup(try tree.components(link)) } catch {
                throw ArchiveError.escapingLink(
                    source: tree.source, path: shown, target: String(decoding: link, as: UTF8.self))
            }
            guard let target, case .regular = target.kind else {
                throw ArchiveError.missingHardLinkTarget(
                    source: tree.source, path: shown, target: String(decoding: link, as: UTF8.self))
            }
            // Some formats (pax, cpio) may carry data with the link; it then replaces the contents.
            let offset = spool.size
            // No padding to the header's size here: a link's size field need not describe data.
            let size = try reader.readData(size: nil, { try spool.append($0) }, zeros: { try spool.appendZeros($0) })
            let kind: ArchiveTree.Node.Kind
            if size > 0, case .regular(let x, _, _) = target.kind {
                kind = .regular(executable: x, offset: offset, size: size)
            } else {
                kind = target.kind
            }
            try tree.add(comps, kind: kind, mtime: e.mtime, shownPath: shown)
            return
        }
        switch e.type {
        case .regular:
            let offset = spool.size
            let size = try reader.readData(size: e.size, { try spool.append($0) }, zeros: { try spool.appendZeros($0) })
            try tree.add(
                comps, kind: .regular(executable: e.mode & 0o100 != 0, offset: offset, size: size), mtime: e.mtime,
                shownPath: shown)
        case .directory:
            try tree.add(comps, kind: .directory, mtime: e.mtime, shownPath: shown)
        case .symlink:
            try tree.add(comps, kind: .symlink(e.symlinkTarget ?? []), mtime: e.mtime, shownPath: shown)
        case .other:
            throw ArchiveError.unsupportedEntry(source: tree.source, path: shown)
        }
    }

    /// `file` mode: the whole body as one regular file (its size is known only at the end,
    /// and NAR writes it first, so the body is spooled).
    static func hashSingleFile(pipe: BytePipe, url: String, spool settings: SpoolFile.Settings) throws
        -> DownloadHashResult.Content
    {
        let spool = try SpoolFile(settings, source: url)
        while let chunk = try pipe.next() { try chunk.withUnsafeBytes { try spool.append($0) } }
        let size = spool.size
        var writer = NARWriter(sink: SHA256Sink())
        try writer.beginRegular(executable: false, size: size)
        var scratch = [UInt8](repeating: 0, count: 1 << 18)
        try spool.read(offset: 0, length: size, scratch: &scratch) { try writer.writeContents($0) }
        try writer.endRegular()
        let sink = try writer.finish()
        return .file(narHash: sink.finalize(), narSize: sink.count, size: size)
    }
}
