import Fetchers
import FlakeLockBasics

/// Temporary until the libgit2 transport lands: git inputs fail clearly.
struct PendingGitTransport: GitTransport {
    struct Unavailable: UserFacingError {
        var description: String { "git inputs are not supported by this build of flakelock yet" }
    }
    func ensureBareRepository(at path: String) async throws { throw Unavailable() }
    func fetch(_ url: String, into repository: String, refspecs: [String], shallow: Bool) async throws { throw Unavailable() }
    func lsRemoteSymref(_ url: String) async throws -> String? { throw Unavailable() }
    func resolve(ref: String, in repository: String) async throws -> GitResolvedRef { throw Unavailable() }
    func contains(_ rev: GitObjectID, in repository: String) async throws -> Bool { throw Unavailable() }
    func isAncestor(_ ancestor: GitObjectID, of descendant: GitObjectID, in repository: String) async throws -> Bool { throw Unavailable() }
    func commitInfo(_ rev: GitObjectID, in repository: String, countRevisions: Bool) async throws -> GitCommitInfo { throw Unavailable() }
    func hashTree(of rev: GitObjectID, in repository: String, options: GitTreeOptions) async throws -> GitTreeHashResult { throw Unavailable() }
    func readFile(_ path: String, at rev: GitObjectID, in repository: String) async throws -> [UInt8]? { throw Unavailable() }
    func workTreeStatus(at path: String, ignoreSubmodules: Bool) async throws -> GitWorkTreeStatus { throw Unavailable() }
    func hashWorkTree(at path: String) async throws -> GitTreeHashResult { throw Unavailable() }
}

func makeGitTransport(_ settings: GitSettings) -> any GitTransport {
    PendingGitTransport()
}
