internal import CLibGit2
import Fetchers
import Foundation
import NixCompat

/// Non-bare checkouts (`git+file` of a working tree).
enum GitWorkTree {
    static func status(at path: String, ignoreSubmodules: Bool) throws -> GitWorkTreeStatus {
        let repo = try GitRepositoryHandle(openingAt: path)
        return try repo.withHandle { r in
            var headRef: String?
            var ref: OpaquePointer? = nil
            if git_reference_lookup(&ref, r, "HEAD") == 0, let ref {
                let owned = GitOwned(takingOwnership: ref, free: git_reference_free)
                owned.withHandle { h in
                    if git_reference_type(h) == GIT_REFERENCE_SYMBOLIC {
                        headRef = git_reference_symbolic_target(h).map { String(cString: $0) }
                    }
                }
            }
            var oid = git_oid()
            let rc = git_reference_name_to_id(&oid, r, "HEAD")
            let head: git_oid? = rc == 0 ? oid : nil
            if rc != 0 && rc != GIT_ENOTFOUND.rawValue && rc != GIT_EUNBORNBRANCH.rawValue {
                try gitCheck(rc, "resolving HEAD of '\(path)'")
            }
            var dirty = true
            if let head {
                let commit = try repo.peelToCommit(head)
                var tree: OpaquePointer? = nil
                try commit.withHandle { c in try gitCheck(git_commit_tree(&tree, c), "reading HEAD's tree") }
                guard let tree else { throw GitTransportError.objectNotFound(rev: "HEAD", repository: path) }
                let ownedTree = GitOwned(takingOwnership: tree, free: git_tree_free)
                var opts = git_diff_options()
                try gitCheck(git_diff_options_init(&opts, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
                if ignoreSubmodules { opts.ignore_submodules = GIT_SUBMODULE_IGNORE_ALL }
                var diff: OpaquePointer? = nil
                try ownedTree.withHandle { t in
                    try gitCheck(
                        git_diff_tree_to_workdir_with_index(&diff, r, t, &opts), "comparing '\(path)' with HEAD")
                }
                if let diff {
                    defer { git_diff_free(diff) }
                    dirty = false
                    for i in 0..<git_diff_num_deltas(diff) {
                        guard let d = git_diff_get_delta(diff, i)?.pointee else { continue }
                        // `--ignore-submodules` also ignores a missing submodule directory.
                        if ignoreSubmodules && (d.old_file.mode == 0o160000 || d.new_file.mode == 0o160000) { continue }
                        dirty = true
                        break
                    }
                }
            }
            return GitWorkTreeStatus(
                headRef: headRef, headCommit: head.map(GitOID.objectID), isDirty: dirty, isShallow: repo.isShallow)
        }
    }

    /// A tree of the index's paths with working-tree contents (`git ls-files`).
    indirect enum Node: NARTreeNode {
        case directory([[UInt8]: Node])
        case disk(DiskTreeNode)

        func kind() throws -> NARNodeKind {
            switch self {
            case .directory: .directory
            case .disk(let d): try d.kind()
            }
        }

        func children() throws -> [(name: [UInt8], node: Node)] {
            switch self {
            case .directory(let c): c.map { ($0.key, $0.value) }
            case .disk(let d): try d.children().map { ($0.name, .disk($0.node)) }
            }
        }

        func readContents(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
            if case .disk(let d) = self { try d.readContents(consume) }
        }
    }

    static func hash(at path: String) throws -> GitTreeHashResult {
        let repo = try GitRepositoryHandle(openingAt: path)
        var paths: [(path: [UInt8], gitlink: Bool)] = []
        try repo.withHandle { r in
            var index: OpaquePointer? = nil
            try gitCheck(git_repository_index(&index, r), "reading the index of '\(path)'")
            guard let index else { return }
            let owned = GitOwned(takingOwnership: index, free: git_index_free)
            owned.withHandle { ix in
                for i in 0..<git_index_entrycount(ix) {
                    guard let e = git_index_get_byindex(ix, i)?.pointee, let p = e.path else { continue }
                    paths.append(
                        (
                            Array(
                                UnsafeBufferPointer(
                                    start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p))),
                            e.mode == 0o160000
                        ))
                }
            }
        }
        // Build the tree of listed paths; files missing from the working tree are skipped.
        final class Dir {
            var children: [[UInt8]: Dir] = [:]
            var files: [[UInt8]: String] = [:]
        }
        let root = Dir()
        for (p, gitlink) in paths {
            // Nix copies with a filter: a directory is kept when a listed path is below it
            // (even if that path is gone from disk), a listed path when it exists.
            let full = path + "/" + String(decoding: p, as: UTF8.self)
            let comps = p.split(separator: UInt8(ascii: "/")).map(Array.init)
            var st = stat()
            let parent = (full as NSString).deletingLastPathComponent
            guard comps.count == 1 || (lstat(parent, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR) else { continue }
            var d = root
            for c in comps.dropLast() {
                if d.children[c] == nil { d.children[c] = Dir() }
                d = d.children[c]!
            }
            guard lstat(full, &st) == 0 else { continue }
            if gitlink {
                if d.children[comps.last!] == nil { d.children[comps.last!] = Dir() }
            } else {
                d.files[comps.last!] = full
            }
        }
        func node(_ d: Dir) -> Node {
            var c: [[UInt8]: Node] = [:]
            for (k, v) in d.children { c[k] = node(v) }
            for (k, v) in d.files { c[k] = .disk(DiskTreeNode(path: v)) }
            return .directory(c)
        }
        let h = try NAR.hash(node(root))
        return GitTreeHashResult(
            narHash: h.hash, narSize: h.size,
            trackedPaths: Set(paths.map { String(decoding: $0.path, as: UTF8.self) }))
    }
}

extension GitWorkTree {
    /// The tracked files of a checkout that differ from HEAD, as Nix lists them
    /// (src/libfetchers/git-utils.cc, `getWorkdirInfo`): `git status` without untracked
    /// files and submodules; a file deleted in the index or the work tree is "deleted",
    /// any other change "modified". Paths are `/`-separated, relative to the root.
    static func changes(at path: String) throws -> GitWorkTreeChanges {
        let repo = try GitRepositoryHandle(openingAt: path)
        return try repo.withHandle { r in
            var opts = git_status_options()
            try gitCheck(git_status_options_init(&opts, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
            opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
            opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
            var list: OpaquePointer? = nil
            try gitCheck(git_status_list_new(&list, r, &opts), "getting working directory status of '\(path)'")
            guard let list else { return GitWorkTreeChanges(modified: [], deleted: []) }
            defer { git_status_list_free(list) }
            var modified: [String] = []
            var deleted: [String] = []
            let gone = GIT_STATUS_INDEX_DELETED.rawValue | GIT_STATUS_WT_DELETED.rawValue
            for i in 0..<git_status_list_entrycount(list) {
                guard let e = git_status_byindex(list, i)?.pointee, e.status.rawValue != GIT_STATUS_CURRENT.rawValue
                else { continue }
                guard let delta = (e.head_to_index ?? e.index_to_workdir)?.pointee, let p = delta.old_file.path else {
                    continue
                }
                let name = String(cString: p)
                if e.status.rawValue & gone != 0 { deleted.append(name) } else { modified.append(name) }
            }
            return GitWorkTreeChanges(modified: modified, deleted: deleted)
        }
    }
}
