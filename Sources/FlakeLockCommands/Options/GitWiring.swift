import Fetchers
import NativeTransport

/// The Git transport the commands use: libgit2 (the git CLI for `ssh://`).
func makeGitTransport(_ settings: GitSettings) -> any GitTransport {
    LibGit2Transport(settings: settings)
}
