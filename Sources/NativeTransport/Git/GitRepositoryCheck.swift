internal import CLibGit2
import Fetchers
import Foundation

/// A quick health check of a cache repository: it opens, and every reference leads to a
/// commit whose object and tree can be read. This catches what a lost or cut pack file
/// does (refs that point at missing objects) without walking all of history.
enum GitRepositoryCheck {
    /// A description of the damage, or nil when the repository looks sound (or does not exist).
    static func damage(in path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let repo: GitRepositoryHandle
        do { repo = try GitRepositoryHandle(openingAt: path) } catch { return "it cannot be opened: \(error)" }
        return repo.withHandle { r -> String? in
            var iterator: OpaquePointer? = nil
            guard git_reference_iterator_new(&iterator, r) == 0, let iterator else {
                return "its references cannot be listed"
            }
            defer { git_reference_iterator_free(iterator) }
            var ref: OpaquePointer? = nil
            while true {
                let rc = git_reference_next(&ref, iterator)
                if rc == GIT_ITEROVER.rawValue { return nil }
                guard rc == 0, let ref else { return "its references cannot be read" }
                defer { git_reference_free(ref) }
                let name = String(cString: git_reference_name(ref))
                guard git_reference_type(ref) == GIT_REFERENCE_DIRECT, let target = git_reference_target(ref) else {
                    continue
                }
                if let problem = unreadable(target.pointee, in: r) { return "'\(name)' points at \(problem)" }
            }
        }
    }

    /// Why the object `id` (and, for a commit, its tree) cannot be read; nil if it can.
    private static func unreadable(_ id: git_oid, in r: OpaquePointer) -> String? {
        var oid = id
        var object: OpaquePointer? = nil
        guard git_object_lookup(&object, r, &oid, GIT_OBJECT_ANY) == 0, let object else {
            return "a missing object \(GitOID.hex(id))"
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer? = nil
        guard git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0, let peeled else { return nil }
        defer { git_object_free(peeled) }
        var tree: OpaquePointer? = nil
        guard git_commit_tree(&tree, peeled) == 0, let tree else {
            return "commit \(GitOID.hex(id)) whose tree is missing"
        }
        git_tree_free(tree)
        return nil
    }
}
