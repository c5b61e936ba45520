import FlakeLockBasics
import NixCompat

/// How the top level of an unpacked archive becomes the tree.
public enum ArchiveTopLevel: Sendable, Hashable {
    /// Nix 2.8: exactly one top-level entry is required (else `tarball '<url>' contains an
    /// unexpected number of top-level files`), and the tree is that entry (it may be a file).
    case exactlyOneEntry
    /// Nix ≥ 2.24: strip the top directory only if the root consists of exactly one
    /// directory; otherwise the archive root is the tree.
    case stripSingleDirectory
    /// The archive root is the tree.
    case keepRoot
}

/// Options for hashing an archive's tree.
public struct ArchiveOptions: Sendable, Hashable {
    public var topLevel: ArchiveTopLevel
    /// Files (paths relative to the resulting tree, `/`-separated, e.g. `flake.nix`,
    /// `sub/flake.lock`) whose contents are returned, when they are regular files of at most
    /// ``captureLimit`` bytes.
    public var captureFiles: [String]
    public var captureLimit: Int
    /// Refuse symlinks whose target is absolute or climbs out of the tree. Nix stores such
    /// symlinks verbatim, so the default (`false`) keeps hashes Nix-identical.
    public var rejectEscapingSymlinks: Bool
    /// Used in error messages (`tarball '<url>' …`).
    public var sourceDescription: String
    /// Read the commit a `git archive` stream names (``ArchiveHashResult/commitID``); only the
    /// archive of a ref needs it, and reading it decompresses the stream's start once more.
    public var readCommitID: Bool

    public init(
        topLevel: ArchiveTopLevel = .stripSingleDirectory, captureFiles: [String] = [], captureLimit: Int = 4 << 20,
        rejectEscapingSymlinks: Bool = false, sourceDescription: String = "archive", readCommitID: Bool = false
    ) {
        self.topLevel = topLevel
        self.captureFiles = captureFiles
        self.captureLimit = captureLimit
        self.rejectEscapingSymlinks = rejectEscapingSymlinks
        self.sourceDescription = sourceDescription
        self.readCommitID = readCommitID
    }
}

/// What hashing an archive's tree produced.
public struct ArchiveHashResult: Sendable, Hashable {
    public var narHash: NixHash
    public var narSize: UInt64
    /// The mtime of the top-level entry that became the tree (Nix 2.8–2.20 `lastModified`);
    /// nil when the archive has no entry of its own for it.
    public var topLevelMtime: Int64?
    /// The largest mtime of all entries (Nix ≥ 2.21 `lastModified`); 0 for an empty archive.
    public var maxMtime: Int64
    /// Contents of the requested ``ArchiveOptions/captureFiles`` that exist (key: the path as requested).
    public var capturedFiles: [String: [UInt8]]
    /// Number of archive entries read.
    public var entryCount: Int
    /// The commit a downloaded `git archive` tarball says it was made from (the `comment` of
    /// its pax global header), or nil when it says none.
    public var commitID: String?

    public init(
        narHash: NixHash, narSize: UInt64, topLevelMtime: Int64?, maxMtime: Int64, capturedFiles: [String: [UInt8]],
        entryCount: Int, commitID: String? = nil
    ) {
        self.commitID = commitID
        self.narHash = narHash
        self.narSize = narSize
        self.topLevelMtime = topLevelMtime
        self.maxMtime = maxMtime
        self.capturedFiles = capturedFiles
        self.entryCount = entryCount
    }
}

/// What to do with a downloaded body.
public enum DownloadHashMode: Sendable, Hashable {
    /// Unpack (in memory, streaming) and hash the tree.
    case archive(ArchiveOptions)
    /// Hash the bytes as a single regular file (`file` inputs).
    case file
}

/// The outcome of ``ArchiveHasher/download(_:mode:)``.
public struct DownloadHashResult: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// `304 Not Modified`: the caller's cached copy (matched by ETag) is current.
        case notModified
        case archive(ArchiveHashResult)
        case file(narHash: NixHash, narSize: UInt64, size: UInt64)
    }

    public var response: HTTPResponse
    public var content: Content

    public init(response: HTTPResponse, content: Content) {
        self.response = response
        self.content = content
    }

    /// The archive result, if the body was hashed as an archive.
    public var archive: ArchiveHashResult? {
        if case .archive(let a) = content { return a }
        return nil
    }
}

/// Computes NAR hashes of archives without unpacking them to disk.
///
/// Implementation: `LibArchiveHasher` (NativeTransport); tests may fake it.
///
///     let r = try await hasher.download(HTTPRequest(url: url), mode: .archive(ArchiveOptions(sourceDescription: url)))
///     print(r.archive!.narHash.sri)
public protocol ArchiveHasher: Sendable {
    /// Hashes the tree of the archive in a local file (any format libarchive reads).
    /// - Throws: ``ArchiveError``.
    func hashArchive(atPath path: String, options: ArchiveOptions) async throws -> ArchiveHashResult

    /// Downloads `request` and hashes the body while it arrives (download and hashing overlap).
    /// - Throws: ``HTTPTransportError`` or ``ArchiveError``.
    func download(_ request: HTTPRequest, mode: DownloadHashMode) async throws -> DownloadHashResult
}

/// Archive reading and validation failures.
public enum ArchiveError: UserFacingError, Equatable {
    case unexpectedTopLevelCount(source: String)
    case unsafePath(source: String, path: String)
    case escapingLink(source: String, path: String, target: String)
    case missingHardLinkTarget(source: String, path: String, target: String)
    case conflictingEntry(source: String, path: String)
    case unsupportedEntry(source: String, path: String)
    case read(source: String, message: String)
    case spool(message: String)
    /// The archive unpacks to more than `limit` bytes (the `max-unpacked-size` setting).
    case unpackedSizeLimit(source: String, limit: UInt64)

    public var description: String {
        switch self {
        case .unexpectedTopLevelCount(let s): "tarball '\(s)' contains an unexpected number of top-level files"
        case .unsafePath(let s, let p): "archive '\(s)' contains an unsafe path '\(p)'"
        case .escapingLink(let s, let p, let t):
            "archive '\(s)' contains a link '\(p)' -> '\(t)' that points outside the archive"
        case .missingHardLinkTarget(let s, let p, let t):
            "archive '\(s)' contains a hard link '\(p)' to '\(t)', which is not a file earlier in the archive"
        case .conflictingEntry(let s, let p): "archive '\(s)' contains entry '\(p)' beneath a non-directory"
        case .unsupportedEntry(let s, let p): "archive '\(s)' contains entry '\(p)' of an unsupported type"
        case .read(let s, let m): "failed to read archive '\(s)': \(m)"
        case .spool(let m): "failed to spool archive contents: \(m)"
        case .unpackedSizeLimit(let s, let limit):
            "'\(s)' unpacks to more than \(limit) bytes, the limit set by 'max-unpacked-size'"
        }
    }
}
