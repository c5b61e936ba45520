import FlakeLockTestSupport
import Foundation

/// GIT TRANSPORT scenarios: `git+file` (bare and work tree), `git+http(s)` and `git://`.
/// They need flakelock's Git transport (libgit2); kept apart from the other scenarios so
/// their state is visible at a glance.
enum DifferentialGitScenarios {
    static let all: [DiffScenario] = [
        gitFileBare, gitFileBareWithoutRef, gitFileWorkTree, gitFileRelative, gitWorkTreeRefs, gitHTTP, gitDaemon,
        gitFollows, gitRevs,
        gitTopLevel, gitTopLevelMetadataWrites,
    ]

    static func gitRepo(_ u: ForgeUniverse, _ name: String = "alice/g") throws {
        try u.commit(name, id: "g1", files: ["flake.nix": leafFlake, "sub/flake.nix": leafFlake])
        try u.commit(name, id: "gd1", branch: "dev", parent: "g1", files: ["dev": "1\n"])
        try u.tag(name, "v1", at: "g1")
        try u.tag(name, "v1a", at: "g1", annotated: true)
    }

    static func moveUpstream(_ u: ForgeUniverse, _ name: String = "alice/g") throws {
        try u.commit(name, id: "g2", files: ["x": "2\n"])
        try u.commit(name, id: "gd2", branch: "dev", files: ["dev": "2\n"])
    }

    /// `git+file` on a bare repository: refs, tags (lightweight and annotated), rev, dir.
    static let gitFileBare = DiffScenario(
        name: "git: git+file bare repository",
        setup: { u in
            try gitRepo(u)
            try u.top([
                "flake.nix": flakeNix(
                    """
                    g.url = "git+file://@ROOT@/repos/alice/g.git?ref=main";
                    gdev.url = "git+file://@ROOT@/repos/alice/g.git?ref=dev";
                    gtag.url = "git+file://@ROOT@/repos/alice/g.git?ref=refs/tags/v1";
                    gatag.url = "git+file://@ROOT@/repos/alice/g.git?ref=refs/tags/v1a";
                    grev.url = "git+file://@ROOT@/repos/alice/g.git?ref=main&rev=@REV:alice/g:g1@";
                    gdir.url = "git+file://@ROOT@/repos/alice/g.git?ref=main&dir=sub";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("upstream moves") { u in try moveUpstream(u) },
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --update-input g"),
            .update,
            .metadata,
        ])

    /// 2.8: a bare repository without `ref` means `master`, which does not exist here.
    static let gitFileBareWithoutRef = DiffScenario(
        name: "git: git+file bare repository without ref (master)",
        setup: { u in
            try gitRepo(u)
            try u.top(["flake.nix": flakeNix("g.url = \"git+file://@ROOT@/repos/alice/g.git\";")])
        },
        steps: [.nix("flake lock", expect: .failure, lockUnchanged: true)])

    /// Upstream moves and the checkout `ROOT/work/g` follows it.
    static let updateCheckout = DiffStep.change("new commit in the checkout's origin, checkout updated") { u in
        try moveUpstream(u)
        try u.checkout("g", repo: "alice/g")
    }

    /// `git+file` on a work tree: clean (ref, rev, revCount), then dirty.
    static let gitFileWorkTree = DiffScenario(
        name: "git: git+file work tree, clean then dirty",
        setup: { u in
            try gitRepo(u)
            try u.checkout("g", repo: "alice/g")
            try u.top(["flake.nix": flakeNix("w.url = \"git+file://@ROOT@/work/g\";\nwpath.url = \"@ROOT@/work/g\";")])
        },
        steps: [
            .lock,
            updateCheckout,
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --update-input w"),
            .change("the checkout becomes dirty") { u in try u.checkout("g", repo: "alice/g", dirty: ["x": "dirty\n"])
            },
            .update,
            .metadata,
        ])

    /// `git+file` on a work tree with `ref`: short names resolve as `git rev-parse` does
    /// (branch, lightweight tag, annotated tag — 2.8 records the tag object — and full refs).
    static let gitWorkTreeRefs = DiffScenario(
        name: "git: git+file work tree with ref (branch, tags)",
        setup: { u in
            try gitRepo(u)
            try u.checkout("g", repo: "alice/g")
            try u.top([
                "flake.nix": flakeNix(
                    """
                    dev.url = "git+file://@ROOT@/work/g?ref=dev";
                    tag.url = "git+file://@ROOT@/work/g?ref=v1";
                    atag.url = "git+file://@ROOT@/work/g?ref=v1a";
                    fullatag.url = "git+file://@ROOT@/work/g?ref=refs/tags/v1a";
                    main.url = "git+file://@ROOT@/work/g?ref=refs/heads/main";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("a ref the checkout does not have") { u in
                try u.editTop(["flake.nix": flakeNix("none.url = \"git+file://@ROOT@/work/g?ref=nosuchref\";")])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
        ])

    /// Smart HTTP over https and http, with a tag, a rev and dir.
    /// `git+file:../work/g`: a path relative to the current directory (ROOT/top), locked
    /// with the URL as written.
    static let gitFileRelative = DiffScenario(
        name: "git: git+file relative to the current directory",
        setup: { u in
            try gitRepo(u)
            try u.checkout("g", repo: "alice/g")
            try u.top([
                "flake.nix": flakeNix(
                    """
                    w.url = "git+file:../work/g";
                    wn = { url = "git+file:../work/g"; flake = false; };
                    """)
            ])
        },
        steps: [
            .lock,
            updateCheckout,
            .nix("flake lock", lockUnchanged: true),
            .update,
            .metadata,
        ])

    static let gitHTTP = DiffScenario(
        name: "git: git+https and git+http",
        setup: { u in
            try gitRepo(u)
            try u.top([
                "flake.nix": flakeNix(
                    """
                    h.url = "git+https://git.example/alice/g?ref=main";
                    hh.url = "git+http://git.example/alice/g.git?ref=dev";
                    htag.url = "git+https://git.example/alice/g?ref=refs/tags/v1";
                    hrev.url = "git+https://git.example/alice/g?ref=main&rev=@REV:alice/g:g1@";
                    hdir.url = "git+https://git.example/alice/g?ref=main&dir=sub";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("upstream moves") { u in try moveUpstream(u) },
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --update-input h"),
            .update,
            .metadata,
        ])

    /// `git://` through the local git daemon (its port is part of the URL).
    static let gitDaemon = DiffScenario(
        name: "git: git:// (git daemon)",
        setup: { u in
            try gitRepo(u)
            try u.top([
                "flake.nix": flakeNix(
                    """
                    d.url = "@GITD@/alice/g.git?ref=main";
                    ddev.url = "@GITD@/alice/g.git?ref=dev";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("upstream moves") { u in try moveUpstream(u) },
            .nix("flake lock --update-input d"),
            .update,
        ])

    /// "Worked example: adding and removing a follows" (docs/nix-behaviour.md) with git+file,
    /// as it was run with Nix 2.8.
    static let gitFollows = DiffScenario(
        name: "git: add and remove follows (spec 5.13, git+file)",
        setup: { u in
            try u.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake])
            try u.commit(
                "alice/a", id: "a1",
                files: ["flake.nix": flakeNix("nixpkgs.url = \"git+file://@ROOT@/repos/alice/np.git?ref=main\";")])
            try u.commit("alice/np", id: "n2", files: ["x": "2\n"])
            try u.top([
                "flake.nix": flakeNix(
                    """
                    a.url = "git+file://@ROOT@/repos/alice/a.git?ref=main";
                    nixpkgs.url = "git+file://@ROOT@/repos/alice/np.git?ref=main";
                    a.inputs.nixpkgs.follows = "nixpkgs";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("remove the follows") { u in
                try u.editTop([
                    "flake.nix": flakeNix(
                        """
                        a.url = "git+file://@ROOT@/repos/alice/a.git?ref=main";
                        nixpkgs.url = "git+file://@ROOT@/repos/alice/np.git?ref=main";
                        """)
                ])
            },
            .lock,
        ])

    /// `rev` without `ref`, an annotated tag over HTTPS, and a rev that is not on its ref.
    static let gitRevs = DiffScenario(
        name: "git: rev without ref, annotated tag, rev not on ref",
        setup: { u in
            try gitRepo(u)
            try moveUpstream(u)
            try u.top([
                "flake.nix": flakeNix(
                    """
                    atag.url = "git+https://git.example/alice/g?ref=refs/tags/v1a";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("a rev without ref over https") { u in
                try u.editTop([
                    "flake.nix": flakeNix("r.url = \"git+https://git.example/alice/g?rev=@REV:alice/g:g1@\";")
                ])
            },
            .nix("flake lock", expect: .any),
            .change("a rev without ref, bare git+file") { u in
                try u.editTop([
                    "flake.nix": flakeNix("fr.url = \"git+file://@ROOT@/repos/alice/g.git?rev=@REV:alice/g:gd1@\";")
                ])
            },
            .nix("flake lock", expect: .any),
            .change("a rev that is not on its ref") { u in
                try u.editTop([
                    "flake.nix": flakeNix("bad.url = \"git+https://git.example/alice/g?ref=dev&rev=@REV:alice/g:g2@\";")
                ])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
            .change("a tag given as ref=v1 (2.8 needs refs/tags/v1)") { u in
                try u.editTop(["flake.nix": flakeNix("t.url = \"git+https://git.example/alice/g?ref=v1\";")])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
        ])

    /// `alice/a`, and a top-level flake taking it, committed in a Git work tree without flake.lock.
    static func committedTopLevel(_ u: ForgeUniverse) throws {
        try u.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
        let top = try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";")])
        let repo = try GitFixtureRepository(at: top)
        try repo.git("add", "flake.nix")
        try repo.commit("init")
    }

    /// The top-level flake in a Git work tree: flake.lock untracked (2.8 reads the store copy),
    /// then `--commit-lock-file`.
    static let gitTopLevel = DiffScenario(
        name: "git: top-level flake in a git work tree, --commit-lock-file",
        setup: committedTopLevel,
        steps: [
            .lock,
            .lock,
            .change("a moves") { u in try u.commit("alice/a", id: "a2", files: ["x": "2\n"]) },
            .nix("flake lock --update-input a --commit-lock-file"),
            .change("a moves again") { u in try u.commit("alice/a", id: "a3", files: ["x": "3\n"]) },
            .nix("flake update --commit-lock-file"),
            .metadata,
        ])

    /// `metadata` of a committed Git work tree without flake.lock writes the lock and marks it
    /// intended to be added, as `lock` does (src/libflake/flake.cc, `lockFlake`), so the tree
    /// it then describes is dirty and has no revision.
    static let gitTopLevelMetadataWrites = DiffScenario(
        name: "git: metadata writes the lock of a git work tree (intent-to-add, then dirty)",
        setup: committedTopLevel,
        steps: [
            .metadata,
            .metadata,
            .change("a moves") { u in try u.commit("alice/a", id: "a2", files: ["x": "2\n"]) },
            .nix("flake metadata --json --update-input a"),
        ])
}
