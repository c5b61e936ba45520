import FlakeLockTestSupport
import Foundation

/// MERCURIAL scenarios: `hg+file` inputs, fetched by both engines with Debian's `hg`.
/// Repositories live in `ROOT/repos/hg/NAME` (working directories with fixed dates, so the
/// changesets are the same in both runs).
enum DifferentialMercurialScenarios {
    static let all: [DiffScenario] = [
        firstLockAndUpdate(.file), namedBranch(.file), pinnedRev(.file), nonFlake(.file), nestedFlake, dirty, topLevel,
    ]

    /// `hg+http` and `hg+https` inputs served by `hg serve`, `hg+ssh` through the forge's
    /// `ui.ssh` stand-in (`@HGHTTP@/NAME` is `ROOT/repos/hg/NAME`; the
    /// suite starts the server with `.fakeForge(hgServe: true)`).
    static let http: [DiffScenario] = [
        firstLockAndUpdate(.http), namedBranch(.http), pinnedRev(.http), nonFlake(.http),
        firstLockAndUpdate(.https), pinnedRev(.https), firstLockAndUpdate(.ssh),
    ]

    /// Where the repositories are reached: `hg+file://ROOT/repos/hg/NAME`, or `hg serve`.
    enum Transport: String {
        case file = "hg+file"
        case http = "hg+http"
        case https = "hg+https"
        /// Through the forge's `ui.ssh` stand-in (no sshd): `hg+ssh://localhost//ROOT/…`.
        case ssh = "hg+ssh"

        /// A scenario's name: `hg: WHAT` over `hg+file`, else prefixed by the transport.
        func name(_ what: String) -> String { self == .file ? "hg: \(what)" : "\(rawValue): \(what)" }

        /// The URL of repository `name`.
        func url(_ name: String) -> String {
            switch self {
            case .file: "hg+file://@ROOT@/repos/hg/\(name)"
            case .http: "hg+@HGHTTP@/\(name)"
            case .https: "hg+@HGHTTPS@/\(name)"
            case .ssh: "hg+ssh://localhost/@ROOT@/repos/hg/\(name)"
            }
        }
    }

    static func repo(_ u: ForgeUniverse, _ name: String = "h") throws {
        try u.hgCommit(
            name, id: "h1", files: ["flake.nix": leafFlake, ".hgignore": "^ignored$\n", "sub/flake.nix": leafFlake])
        try u.hgCommit(name, id: "h2", files: ["x": "2\n"])
        try u.hgCommit(name, id: "s1", branch: "stable", files: ["stable": "1\n"])
        try u.hgTag(name, "v1", at: "h1")
    }

    /// First lock, a no-op lock, a new commit and `update`, then metadata.
    static func firstLockAndUpdate(_ t: Transport) -> DiffScenario {
        DiffScenario(
            name: t.name("first lock, new commit + update"),
            setup: { u in
                try repo(u)
                try u.hgUpdate("h", to: "default")
                try u.top(["flake.nix": flakeNix("h.url = \"\(t.url("h"))\";")])
            },
            steps: [
                .lock,
                .change("new commit on default") { u in try u.hgCommit("h", id: "h3", files: ["x": "3\n"]) },
                .nix("flake lock", lockUnchanged: true),
                .update,
                .metadata,
            ])
    }

    /// `ref` naming a branch, a tag (recorded as the tag's branch) and `default` explicitly.
    static func namedBranch(_ t: Transport) -> DiffScenario {
        DiffScenario(
            name: t.name("named branch and tag via ref"),
            setup: { u in
                try repo(u)
                try u.top([
                    "flake.nix": flakeNix(
                        """
                        stable.url = "\(t.url("h"))?ref=stable";
                        tag.url = "\(t.url("h"))?ref=v1";
                        def.url = "\(t.url("h"))?ref=default";
                        """)
                ])
            },
            steps: [
                .lock,
                .change("new commit on stable") { u in
                    try u.hgCommit("h", id: "s2", branch: "stable", files: ["stable": "2\n"])
                },
                .nix("flake lock --update-input stable"),
                .update,
            ])
    }

    /// `rev` with and without `ref`; a rev on another branch; a rev that does not exist.
    static func pinnedRev(_ t: Transport) -> DiffScenario {
        DiffScenario(
            name: t.name("pinned rev"),
            setup: { u in
                try repo(u)
                try u.top([
                    "flake.nix": flakeNix(
                        """
                        r.url = "\(t.url("h"))?rev=@REV:hg/h:h1@";
                        rs.url = "\(t.url("h"))?rev=@REV:hg/h:s1@";
                        rref.url = "\(t.url("h"))?ref=default&rev=@REV:hg/h:h2@";
                        """)
                ])
            },
            steps: [
                .lock,
                .change("upstream moves") { u in try u.hgCommit("h", id: "h3", files: ["x": "3\n"]) },
                .nix("flake update", lockUnchanged: true),
                .change("a rev that does not exist") { u in
                    try u.editTop([
                        "flake.nix": flakeNix(
                            "bad.url = \"\(t.url("h"))?rev=0123456789abcdef0123456789abcdef01234567\";")
                    ])
                },
                .nix("flake lock", expect: .failure, lockUnchanged: true),
            ])
    }

    /// `flake = false` on a repository without flake.nix, with a `dir`-free subdirectory tree.
    static func nonFlake(_ t: Transport) -> DiffScenario {
        DiffScenario(
            name: t.name("flake = false"),
            setup: { u in
                try u.hgCommit("data", id: "d1", files: ["data/a.txt": "a\n", "run.sh": "#!/bin/sh\n"])
                try u.top([
                    "flake.nix": flakeNix(
                        """
                        data = { url = "\(t.url("data"))"; flake = false; };
                        """)
                ])
            },
            steps: [
                .lock,
                .change("data moves") { u in
                    try u.hgCommit("data", id: "d2", files: ["data/a.txt": nil, "b.txt": "b\n"])
                },
                .update,
            ])
    }

    /// A flake in hg whose flake.nix has its own hg input, followed from the top.
    static let nestedFlake = DiffScenario(
        name: "hg: flake input with its own input",
        setup: { u in
            try u.hgCommit("leaf", id: "l1", files: ["flake.nix": leafFlake])
            try u.hgCommit(
                "mid", id: "m1",
                files: ["flake.nix": flakeNix("leaf.url = \"hg+file://@ROOT@/repos/hg/leaf\";")])
            try u.top(["flake.nix": flakeNix("mid.url = \"hg+file://@ROOT@/repos/hg/mid\";")])
        },
        steps: [
            .lock,
            .change("leaf moves; the top follows its own leaf") { u in
                try u.hgCommit("leaf", id: "l2", files: ["x": "2\n"])
                try u.editTop([
                    "flake.nix": flakeNix(
                        """
                        mid.url = "hg+file://@ROOT@/repos/hg/mid";
                        leaf.url = "hg+file://@ROOT@/repos/hg/leaf";
                        mid.inputs.leaf.follows = "leaf";
                        """)
                ])
            },
            .lock,
            .metadata,
        ])

    /// A working directory with uncommitted changes on `default`: 2.8 locks the tracked files
    /// by their NAR hash (untracked and ignored files left out).
    static let dirty = DiffScenario(
        name: "hg: dirty working directory",
        setup: { u in
            try repo(u)
            try u.hgUpdate("h", to: "default")
            try u.top(["flake.nix": flakeNix("h.url = \"hg+file://@ROOT@/repos/hg/h\";")])
        },
        steps: [
            .lock,
            .change("the working directory becomes dirty") { u in
                try u.hgDirty("h", ["x": "dirty\n", "untracked": "u\n", "ignored": "i\n"])
            },
            .update,
            .metadata,
        ])

    /// The top-level flake in an hg working directory, named as `hg+file://…`: the lock file
    /// is written there and `hg add`ed (so the next lock reads it from the now dirty tree),
    /// then committed with `--commit-lock-file`.
    static let topLevel = DiffScenario(
        name: "hg: top-level flake in an hg working directory",
        setup: { u in
            try repo(u)
            try u.hgUpdate("h", to: "default")
            let top = try u.top(["flake.nix": flakeNix("h.url = \"hg+file://@ROOT@/repos/hg/h?ref=stable\";")])
            try u.hgCommitDirectory(top, message: "init")
        },
        steps: [
            .nixArgs(["flake", "lock", "hg+file://@ROOT@/top"]),
            .nixArgs(["flake", "lock", "hg+file://@ROOT@/top"]),
            .change("stable moves") { u in try u.hgCommit("h", id: "s2", branch: "stable", files: ["stable": "2\n"]) },
            .nixArgs(["flake", "lock", "hg+file://@ROOT@/top", "--update-input", "h", "--commit-lock-file"]),
            .nixArgs(["flake", "lock", "hg+file://@ROOT@/top"]),
        ])
}
