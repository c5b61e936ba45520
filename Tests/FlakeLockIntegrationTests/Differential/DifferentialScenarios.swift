import FlakeLockTestSupport
import Foundation

/// A `flake.lock` (version 7) whose root has GitHub inputs `name → (owner/repo, commit id)`,
/// written with universe placeholders (`@REV@`, `@NARHASH@`, `@LASTMOD@`), for a dependency
/// that carries its own lock file.
func githubLockFile(_ inputs: [(name: String, repo: String, id: String)]) -> String {
    var nodes: [String] = []
    for i in inputs.sorted(by: { $0.name < $1.name }) {
        let parts = i.repo.split(separator: "/")
        nodes.append(
            """
                "\(i.name)": {
                  "locked": {
                    "lastModified": @LASTMOD:\(i.repo):\(i.id)@,
                    "narHash": "@NARHASH:\(i.repo):\(i.id)@",
                    "owner": "\(parts[0])",
                    "repo": "\(parts[1])",
                    "rev": "@REV:\(i.repo):\(i.id)@",
                    "type": "github"
                  },
                  "original": {
                    "owner": "\(parts[0])",
                    "repo": "\(parts[1])",
                    "type": "github"
                  }
                },
            """)
    }
    let rootInputs = inputs.sorted(by: { $0.name < $1.name }).map { "        \"\($0.name)\": \"\($0.name)\"" }
        .joined(separator: ",\n")
    return """
        {
          "nodes": {
        \(nodes.joined(separator: "\n"))
            "root": {
              "inputs": {
        \(rootInputs)
              }
            }
          },
          "root": "root",
          "version": 7
        }

        """
}

/// The non-Git differential scenarios (GitHub, GitLab, SourceHut, tarballs, `path:`, registries).
enum DifferentialScenarios {
    static let all: [DiffScenario] = [
        firstLockUpstreamMoves, updateOneNestedAll, overrideInput, followsAddRemove, dependencyLockReused,
        nonFlakeAndDir, gitlabSourcehut, tarballs, pathInputs, registries, nestedOverridesAndFollowsChains,
        badFollowsMissing, badUnknownUpdateInput, badUnreachableHost,
    ]

    /// First lock with branch, tag and rev refs; upstream moves; a plain lock changes nothing.
    static let firstLockUpstreamMoves = DiffScenario(
        name: "github: first lock, upstream moves, plain lock keeps",
        setup: { u in
            try u.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
            try u.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
            try u.commit("alice/b", id: "bd1", branch: "dev", parent: "b1", files: ["dev.txt": "dev\n"])
            try u.tag("alice/b", "v1", at: "b1")
            try u.top([
                "flake.nix": flakeNix(
                    """
                    a.url = "github:alice/a";
                    bdev.url = "github:alice/b/dev";
                    btag.url = "github:alice/b/v1";
                    arev.url = "github:alice/a/@REV:alice/a:a1@";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("upstream moves") { u in
                try u.commit("alice/a", id: "a2", files: ["x": "moved\n"])
                try u.commit("alice/b", id: "bd2", branch: "dev", files: ["dev.txt": "dev 2\n"])
                try u.commit("alice/b", id: "vx", parent: "b1", files: ["v": "retag\n"])
            },
            .nix("flake lock", lockUnchanged: true),
            .metadata,
        ])

    /// `--update-input c`, `--update-input a/b` (nested), then `flake update`.
    static let updateOneNestedAll = DiffScenario(
        name: "github: update one, nested, all",
        setup: { u in
            try u.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
            try u.commit("alice/a", id: "a1", files: ["flake.nix": flakeNix("b.url = \"github:alice/b\";")])
            try u.commit("alice/c", id: "c1", files: ["flake.nix": leafFlake])
            try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";\nc.url = \"github:alice/c\";")])
        },
        steps: [
            .lock,
            .change("upstream moves") { u in
                try u.commit("alice/b", id: "b2", files: ["x": "2\n"])
                try u.commit("alice/a", id: "a2", files: ["x": "2\n"])
                try u.commit("alice/c", id: "c2", files: ["x": "2\n"])
            },
            .nix("flake lock --update-input c"),
            .nix("flake lock --update-input a/b"),
            .nix("flake lock"),
            .update,
            .metadata,
        ])

    /// `--override-input` top-level, then nested, then plain lock, `--update-input a/b`, update.
    static let overrideInput = DiffScenario(
        name: "github: --override-input top-level and nested",
        setup: { u in
            try u.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
            try u.commit("alice/b", id: "bd1", branch: "dev", parent: "b1", files: ["dev": "1\n"])
            try u.commit("alice/a", id: "a1", files: ["flake.nix": flakeNix("b.url = \"github:alice/b\";")])
            try u.commit("alice/fork", id: "f1", files: ["flake.nix": flakeNix("b.url = \"github:alice/b/dev\";")])
            try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";")])
        },
        steps: [
            .lock,
            .change("upstream moves") { u in
                try u.commit("alice/a", id: "a2", files: ["x": "2\n"])
                try u.commit("alice/b", id: "b2", files: ["x": "2\n"])
            },
            .nix("flake lock --override-input a/b github:alice/b/dev"),
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --override-input a github:alice/fork"),
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --override-input a github:alice/a/@REV:alice/a:a1@"),
            .nix("flake lock --update-input a/b"),
            .update,
        ])

    /// docs/nix-behaviour.md, "Worked example: adding and removing a follows": adding and
    /// removing a `follows`, with a dependency that has its own lock.
    static let followsAddRemove = DiffScenario(
        name: "github: add and remove follows (spec 5.13)",
        setup: { u in
            try u.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake])
            try u.commit(
                "alice/a", id: "a1",
                files: [
                    "flake.nix": flakeNix("nixpkgs.url = \"github:alice/np\";"),
                    "flake.lock": githubLockFile([("nixpkgs", "alice/np", "n1")]),
                ])
            try u.commit("alice/np", id: "n2", files: ["x": "2\n"])
            try u.top([
                "flake.nix": flakeNix(
                    """
                    a.url = "github:alice/a";
                    nixpkgs.url = "github:alice/np";
                    a.inputs.nixpkgs.follows = "nixpkgs";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("remove the follows") { u in
                try u.editTop(["flake.nix": flakeNix("a.url = \"github:alice/a\";\nnixpkgs.url = \"github:alice/np\";")]
                )
            },
            .lock,
            .change("add the follows again") { u in
                try u.editTop([
                    "flake.nix": flakeNix(
                        "a.url = \"github:alice/a\";\nnixpkgs.url = \"github:alice/np\";\na.inputs.nixpkgs.follows = \"nixpkgs\";"
                    )
                ])
            },
            .lock,
            .metadata,
        ])

    /// A dependency's own flake.lock supplies its inputs, also on `flake update`.
    static let dependencyLockReused = DiffScenario(
        name: "github: a dependency's own lock reused",
        setup: { u in
            try u.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake])
            try u.commit("alice/util", id: "u1", files: ["flake.nix": leafFlake])
            try u.commit(
                "alice/a", id: "a1",
                files: [
                    "flake.nix": flakeNix("nixpkgs.url = \"github:alice/np\";\nutil.url = \"github:alice/util\";"),
                    "flake.lock": githubLockFile([("nixpkgs", "alice/np", "n1"), ("util", "alice/util", "u1")]),
                ])
            try u.commit("alice/np", id: "n2", files: ["x": "2\n"])
            try u.commit("alice/util", id: "u2", files: ["x": "2\n"])
            try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";")])
        },
        steps: [
            .lock,
            .update,
            .nix("flake lock --update-input a/nixpkgs"),
            .nix("flake lock --recreate-lock-file"),
            .metadata,
        ])

    /// `flake = false` inputs (and `--override-input` on one, not sticky in 2.8) and `dir=`.
    static let nonFlakeAndDir = DiffScenario(
        name: "github: flake = false and dir=",
        setup: { u in
            try u.commit("alice/data", id: "d1", files: ["README": "data 1\n"])
            try u.commit(
                "alice/mono", id: "m1",
                files: [
                    "README": "mono\n",
                    "sub/flake/flake.nix": flakeNix("data.url = \"github:alice/data\";\ndata.flake = false;"),
                ])
            try u.top([
                "flake.nix": flakeNix(
                    """
                    data = { url = "github:alice/data"; flake = false; };
                    mono.url = "github:alice/mono?dir=sub/flake";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("upstream moves") { u in
                try u.commit("alice/data", id: "d2", files: ["README": "data 2\n"])
                try u.commit("alice/mono", id: "m2", files: ["README": "mono 2\n"])
            },
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --update-input data"),
            .nix("flake lock --override-input data github:alice/data/@REV:alice/data:d1@"),
            .lock,
            .update,
            .metadata,
        ])

    /// GitLab and SourceHut: default ref, branch, tag, dir=; moves; update one; update all.
    static let gitlabSourcehut = DiffScenario(
        name: "gitlab and sourcehut",
        setup: { u in
            for r in ["alice/gl", "~alice/sh"] {
                try u.commit(r, id: "x1", files: ["flake.nix": leafFlake, "sub/flake.nix": leafFlake])
                try u.commit(r, id: "xd1", branch: "dev", parent: "x1", files: ["dev": "1\n"])
                try u.tag(r, "v1", at: "x1")
            }
            try u.top([
                "flake.nix": flakeNix(
                    """
                    gl.url = "gitlab:alice/gl";
                    gldev.url = "gitlab:alice/gl/dev";
                    gltag.url = "gitlab:alice/gl/v1";
                    gldir.url = "gitlab:alice/gl?dir=sub";
                    sh.url = "sourcehut:~alice/sh";
                    shdev.url = "sourcehut:~alice/sh/dev";
                    shtag.url = "sourcehut:~alice/sh/v1";
                    shdir.url = "sourcehut:~alice/sh?dir=sub";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("upstream moves") { u in
                for r in ["alice/gl", "~alice/sh"] {
                    try u.commit(r, id: "x2", files: ["x": "2\n"])
                    try u.commit(r, id: "xd2", branch: "dev", files: ["dev": "2\n"])
                }
            },
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --update-input sh --update-input gldev"),
            .update,
            .metadata,
        ])

    /// http, https and file:// tarballs, a redirect, Link/ETag headers, a GitHub archive URL,
    /// a non-flake tarball; contents change; update one; update all.
    static let tarballs = DiffScenario(
        name: "tarballs: http, https, file, redirect",
        setup: { u in
            try u.commit("alice/t", id: "t1", files: ["flake.nix": leafFlake])
            try u.tarball("dl/x.tar.gz", files: ["flake.nix": leafFlake, "x": "1\n"], prefix: "x/")
            try u.tarball("dl/y.tar.gz", repo: "alice/t", commit: "t1", prefix: "y/")
            try u.redirect("dl/latest.tar.gz", to: "https://tarballs.example/dl/x.tar.gz")
            try u.tarball(
                "dl/linked.tar.gz", files: ["flake.nix": leafFlake], prefix: "linked/",
                headers: ["Link": "<https://tarballs.example/dl/y.tar.gz>; rel=\"immutable\"", "ETag": "\"linked-1\""])
            try u.tarball("dl/data.tar.gz", files: ["README": "data\n"], prefix: "data/")
            try u.top([
                "flake.nix": flakeNix(
                    """
                    x.url = "http://tarballs.example/dl/x.tar.gz";
                    xs.url = "https://tarballs.example/dl/x.tar.gz";
                    xf.url = "file://@ROOT@/www/dl/x.tar.gz";
                    latest.url = "http://tarballs.example/dl/latest.tar.gz";
                    linked.url = "https://tarballs.example/dl/linked.tar.gz";
                    gh.url = "https://github.com/alice/t/archive/main.tar.gz";
                    data = { url = "https://tarballs.example/dl/data.tar.gz"; flake = false; };
                    """)
            ])
        },
        steps: [
            .lock,
            .change("contents change") { u in
                try u.tarball("dl/x.tar.gz", files: ["flake.nix": leafFlake, "x": "2\n"], prefix: "x/")
                try u.redirect("dl/latest.tar.gz", to: "https://tarballs.example/dl/y.tar.gz")
                try u.tarball("dl/data.tar.gz", files: ["README": "data 2\n"], prefix: "data/")
                try u.commit("alice/t", id: "t2", files: ["x": "2\n"])
            },
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --update-input latest"),
            .update,
            .metadata,
        ])

    /// Absolute and relative `path:` inputs, a path flake with its own inputs, a changed dir.
    static let pathInputs = DiffScenario(
        name: "path: absolute and relative",
        setup: { u in
            try u.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
            try u.dir("p1", files: ["flake.nix": leafFlake, "x": "1\n"])
            try u.dir("p2", files: ["flake.nix": flakeNix("a.url = \"github:alice/a\";")])
            try u.dir("raw", files: ["README": "raw\n"])
            try u.top([
                "flake.nix": flakeNix(
                    """
                    p1.url = "path:@ROOT@/paths/p1";
                    p2.url = "path:@ROOT@/paths/p2";
                    sub.url = "path:./sub";
                    raw = { url = "path:@ROOT@/paths/raw"; flake = false; };
                    """),
                "sub/flake.nix": leafFlake,
            ])
        },
        steps: [
            .lock,
            .change("p1 and raw change") { u in
                try u.dir("p1", files: ["flake.nix": leafFlake, "x": "2\n"])
                try u.dir("raw", files: ["README": "raw 2\n"])
                try u.commit("alice/a", id: "a2", files: ["x": "2\n"])
            },
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --update-input p1"),
            .update,
            .metadata,
        ])

    /// User, system and global registries; `flake:x/ref`; an implicit input from `outputs`.
    static let registries = DiffScenario(
        name: "registries: user, system, global, implicit, flake:x/ref",
        setup: { u in
            try u.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake])
            try u.commit("alice/np", id: "nd1", branch: "dev", parent: "n1", files: ["dev": "1\n"])
            for r in ["alice/tools", "alice/sys", "alice/other"] {
                try u.commit(r, id: "x1", files: ["flake.nix": leafFlake])
            }
            try u.registry(
                .global,
                [
                    ("nixpkgs", ["type": "github", "owner": "alice", "repo": "np"]),
                    ("shadowed", ["type": "github", "owner": "alice", "repo": "other"]),
                ])
            try u.registry(
                .user,
                [
                    ("tools", ["type": "github", "owner": "alice", "repo": "tools"]),
                    ("shadowed", ["type": "github", "owner": "alice", "repo": "tools"]),
                ])
            try u.registry(.system, [("sys", ["type": "github", "owner": "alice", "repo": "sys"])])
            try u.top([
                "flake.nix": flakeNix(
                    """
                    nixpkgs.url = "nixpkgs";
                    npdev.url = "flake:nixpkgs/dev";
                    t.url = "flake:tools";
                    shadowed.url = "shadowed";
                    """, outputs: "{ self, sys, ... }: { }")
            ])
        },
        steps: [
            .lock,
            .change("registry and upstream change") { u in
                try u.registry(.user, [("tools", ["type": "github", "owner": "alice", "repo": "other"])])
                try u.commit("alice/np", id: "n2", files: ["x": "2\n"])
            },
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --update-input t"),
            .update,
            .metadata,
        ])

    /// A nested override in flake.nix (re-resolved on every lock in 2.8) and a follows chain.
    static let nestedOverridesAndFollowsChains = DiffScenario(
        name: "github: flake.nix nested override and follows chain",
        setup: { u in
            try u.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
            try u.commit("alice/b", id: "bd1", branch: "dev", parent: "b1", files: ["dev": "1\n"])
            try u.commit("alice/a", id: "a1", files: ["flake.nix": flakeNix("b.url = \"github:alice/b\";")])
            try u.commit(
                "alice/c", id: "c1",
                files: ["flake.nix": flakeNix("b.url = \"github:alice/b\";\na.url = \"github:alice/a\";")])
            try u.top([
                "flake.nix": flakeNix(
                    """
                    a.url = "github:alice/a";
                    a.inputs.b.url = "github:alice/b/dev";
                    c.url = "github:alice/c";
                    c.inputs.b.follows = "a/b";
                    c.inputs.a.follows = "a";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("dev moves") { u in try u.commit("alice/b", id: "bd2", branch: "dev", files: ["dev": "2\n"]) },
            .lock,
            .update,
        ])

    /// A follows to an input that does not exist: an error, no lock file written.
    static let badFollowsMissing = DiffScenario(
        name: "bad: follows to a missing input",
        setup: { u in
            try u.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
            try u.commit("alice/a", id: "a1", files: ["flake.nix": flakeNix("b.url = \"github:alice/b\";")])
            try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";\na.inputs.b.follows = \"missing\";")])
        },
        steps: [
            .nix("flake lock", expect: .failure, stderrContains: "follows a non-existent input", lockUnchanged: true),
            .change("fix the follows") { u in
                try u.editTop([
                    "flake.nix": flakeNix(
                        "a.url = \"github:alice/a\";\nb.url = \"github:alice/b\";\na.inputs.b.follows = \"b\";")
                ])
            },
            .lock,
            .change("break it again") { u in
                try u.editTop(["flake.nix": flakeNix("a.url = \"github:alice/a\";\na.inputs.b.follows = \"nope/x\";")])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
        ])

    /// `--update-input` of an input that does not exist: a warning, nothing changes.
    static let badUnknownUpdateInput = DiffScenario(
        name: "bad: unknown input given to --update-input",
        setup: { u in
            try u.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
            try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";")])
        },
        steps: [
            .lock,
            .nix("flake lock --update-input nope", stderrContains: "does not match any input", lockUnchanged: true),
            .nix("flake lock --update-input a/nope", stderrContains: "does not match any input", lockUnchanged: true),
        ])

    /// An unreachable host: non-zero exit, flake.lock bytes unchanged.
    static let badUnreachableHost = DiffScenario(
        name: "bad: unreachable host",
        setup: { u in
            try u.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
            try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";")])
        },
        steps: [
            .lock,
            .change("add an input on an unreachable host") { u in
                try u.editTop([
                    "flake.nix": flakeNix(
                        "a.url = \"github:alice/a\";\ndead.url = \"http://tarballs.unreachable/x.tar.gz\";")
                ])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
            .change("a GitHub input on an unreachable host") { u in
                try u.editTop([
                    "flake.nix": flakeNix(
                        "a.url = \"github:alice/a\";\ndead.url = \"github:alice/a?host=down.unreachable\";")
                ])
            },
            .nix("flake update", expect: .failure, lockUnchanged: true),
        ],
        extraNixConfig: "download-attempts = 1")
}
