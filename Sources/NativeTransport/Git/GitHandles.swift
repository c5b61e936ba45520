internal import CLibGit2
import Fetchers
import Foundation

/// Turns a libgit2 return code into ``GitTransportError/library(operation:code:message:)``,
/// reading libgit2's thread-local last error on the calling thread (call it right after the
/// failed call, in the same closure).
func gitCheck(_ code: Int32, _ operation: @autoclosure () -> String) throws {
    guard code < 0 else { return }
    throw gitError(code, operation())
}

func gitError(_ code: Int32, _ operation: String) -> GitTransportError {
    let message = flk_git_last_error_message().map { String(cString: $0) } ?? "unknown error"
    return .library(operation: operation, code: code, message: message)
}

/// Owns one libgit2 object of any kind (`git_tree *`, `git_blob *`, `git_commit *`,
/// `git_remote *`, …) together with its free function.
///
/// Not Sendable: libgit2 objects belong to their repository, which is used by one thread.
final class GitOwned {
    private let pointer: OpaquePointer
    private let free: (OpaquePointer) -> Void

    init(takingOwnership pointer: OpaquePointer, free: @escaping (OpaquePointer) -> Void) {
        self.pointer = pointer
        self.free = free
    }

    deinit { free(pointer) }

    func withHandle<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T { try body(pointer) }
}

@available(*, unavailable)
extension GitOwned: Sendable {}

/// Owns a `git_repository *`.
///
/// Not Sendable: a repository handle is used by one thread (libgit2 allows one handle per
/// thread); each blocking job opens its own.
final class GitRepositoryHandle {
    private let pointer: OpaquePointer
    let path: String

    /// Opens an existing repository (bare or not) at exactly `path` (no upward search).
    init(openingAt path: String) throws {
        var p: OpaquePointer? = nil
        let r = git_repository_open_ext(&p, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil)
        if r == GIT_ENOTFOUND.rawValue { throw GitTransportError.notARepository(path: path) }
        try gitCheck(r, "opening Git repository '\(path)'")
        guard let p else { throw GitTransportError.notARepository(path: path) }
        pointer = p
        self.path = path
    }

    /// Creates a bare repository at `path` (or opens the one there).
    init(creatingBareAt path: String) throws {
        var p: OpaquePointer? = nil
        try gitCheck(git_repository_init(&p, path, 1), "creating Git repository '\(path)'")
        guard let p else { throw GitTransportError.notARepository(path: path) }
        pointer = p
        self.path = path
    }

    deinit { git_repository_free(pointer) }

    func withHandle<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T { try body(pointer) }

    var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }
    var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// Looks up an object of `type` (GIT_OBJECT_ANY etc.).
    func lookup(_ id: git_oid, _ type: git_object_t, _ what: String) throws -> GitOwned {
        var oid = id
        var obj: OpaquePointer? = nil
        let r = git_object_lookup(&obj, pointer, &oid, type)
        if r == GIT_ENOTFOUND.rawValue { throw GitTransportError.objectNotFound(rev: GitOID.hex(id), repository: path) }
        try gitCheck(r, "looking up \(what) \(GitOID.hex(id))")
        guard let obj else { throw GitTransportError.objectNotFound(rev: GitOID.hex(id), repository: path) }
        return GitOwned(takingOwnership: obj, free: git_object_free)
    }

    /// The commit an object id (commit or tag) peels to.
    func peelToCommit(_ id: git_oid) throws -> GitOwned {
        let obj = try lookup(id, GIT_OBJECT_ANY, "object")
        var peeled: OpaquePointer? = nil
        try obj.withHandle { o in
            try gitCheck(git_object_peel(&peeled, o, GIT_OBJECT_COMMIT), "peeling \(GitOID.hex(id)) to a commit")
        }
        guard let peeled else { throw GitTransportError.objectNotFound(rev: GitOID.hex(id), repository: path) }
        return GitOwned(takingOwnership: peeled, free: git_object_free)
    }
}

@available(*, unavailable)
extension GitRepositoryHandle: Sendable {}

/// `git_oid` ↔ hex.
enum GitOID {
    static func hex(_ id: git_oid) -> String {
        var oid = id
        var buf = [CChar](repeating: 0, count: 41)
        git_oid_fmt(&buf, &oid)
        return String(decoding: buf.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func parse(_ hex: String) throws -> git_oid {
        var oid = git_oid()
        try gitCheck(git_oid_fromstr(&oid, hex), "parsing object id '\(hex)'")
        return oid
    }

    static func objectID(_ id: git_oid) -> GitObjectID {
        // A formatted oid is always 40 lowercase hex digits.
        GitObjectID(hex(id))!
    }

    static func from(_ p: UnsafePointer<git_oid>?) -> git_oid { p?.pointee ?? git_oid() }
}

/// Copies a `git_strarray`-compatible list of C strings that live for the closure.
func withStrArray<T>(_ strings: [String], _ body: (inout git_strarray) throws -> T) rethrows -> T {
    var cStrings: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { for s in cStrings { free(s) } }
    return try cStrings.withUnsafeMutableBufferPointer { buf in
        var arr = git_strarray(strings: buf.baseAddress, count: strings.count)
        return try body(&arr)
    }
}
