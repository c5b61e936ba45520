import FlakeLockTestSupport
import Foundation

/// Corner cases of Nix 2.8's locking (docs/nix-behaviour.md, "Locking"; findings of running Nix
/// 2.8), non-Git inputs.
enum DifferentialEdgeScenarios {
    static let all: [DiffScenario] = [
        deepOverrideBug, followsCycle, flakeFlagToggle, overrideCollision, tarballErrors, circularImport,
        lockFileFlags, attributeFormsAndNames, dependencyFollowsPrefix, dirVariants, editedPathRefetched,
    ]

    /// A kept `path:` input whose own follows edge makes Nix read its `flake.nix` again on
    /// every lock, edited since it was locked: Nix reads the copy of the locked tree in its
    /// store (no NAR hash mismatch, the lock stays); an update of one of its inputs does too;
    /// `flake update` locks the edited tree. Caches stay warm: flakelock's stands for the
    /// store copy (with every step cold, it has nothing to read the old tree from).
    static let editedPathRefetched = DiffScenario(
        name: "edge: a kept path input edited since it was locked",
        setup: { u in
            try u.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
            try u.dir("dep", files: ["flake.nix": flakeNix("a.url = \"github:alice/a\";\nb.follows = \"a\";")])
            try u.top(["flake.nix": flakeNix("dep.url = \"path:@ROOT@/paths/dep\";")])
        },
        steps: [
            .lock,
            .change("dep is edited, a moves") { u in
                try u.dir(
                    "dep",
                    files: ["flake.nix": flakeNix("a.url = \"github:alice/a\";\nb.follows = \"a\";"), "x": "2\n"])
                try u.commit("alice/a", id: "a2", files: ["x": "2\n"])
            },
            .nix("flake lock", lockUnchanged: true),
            .nix("flake lock --update-input dep/a"),
            .update,
        ], warmCaches: true)

    /// 2.8: `inputs.a.inputs.b.inputs.c.follows` gives `b` no URL → `flake:b` (NixOS/nix#5790).
    static let deepOverrideBug = DiffScenario(
        name: "edge: deep override a/b/c follows (2.8 bug)",
        setup: { u in
            try u.commit("alice/c", id: "c1", files: ["flake.nix": leafFlake])
            try u.commit("alice/b", id: "b1", files: ["flake.nix": flakeNix("c.url = \"github:alice/c\";")])
            try u.commit("alice/a", id: "a1", files: ["flake.nix": flakeNix("b.url = \"github:alice/b\";")])
            try u.top([
                "flake.nix": flakeNix(
                    "a.url = \"github:alice/a\";\nx.url = \"github:alice/c\";\na.inputs.b.inputs.c.follows = \"x\";")
            ])
        },
        steps: [
            .nix("flake lock", expect: .failure, lockUnchanged: true),
            .change("the registry knows b") { u in
                try u.registry(.global, [("b", ["type": "github", "owner": "alice", "repo": "c"])])
            },
            .nix("flake lock", expect: .any),
        ])

    /// 2.8 writes a follows cycle.
    static let followsCycle = DiffScenario(
        name: "edge: follows cycle",
        setup: { u in
            try u.commit(
                "alice/a", id: "a1",
                files: ["flake.nix": flakeNix("b.url = \"github:alice/b\";\nc.url = \"github:alice/b\";")])
            try u.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
            try u.top([
                "flake.nix": flakeNix(
                    "a.url = \"github:alice/a\";\na.inputs.b.follows = \"a/c\";\na.inputs.c.follows = \"a/b\";")
            ])
        },
        steps: [.nix("flake lock", expect: .any), .nix("flake metadata --json", expect: .any)])

    /// Changing only `flake = false` is not noticed by 2.8 (the old isFlake is kept).
    static let flakeFlagToggle = DiffScenario(
        name: "edge: flake = false toggled",
        setup: { u in
            try u.commit("alice/data", id: "d1", files: ["flake.nix": leafFlake])
            try u.top(["flake.nix": flakeNix("data.url = \"github:alice/data\";")])
        },
        steps: [
            .lock,
            .change("flake = false") { u in
                try u.editTop(["flake.nix": flakeNix("data = { url = \"github:alice/data\"; flake = false; };")])
            },
            .lock,
            .update,
            .change("flake = true again") { u in
                try u.editTop(["flake.nix": flakeNix("data.url = \"github:alice/data\";")])
            },
            .lock,
        ])

    /// A flake.nix nested override and `--override-input` on the same path (2.8: flake.nix wins).
    static let overrideCollision = DiffScenario(
        name: "edge: flake.nix override vs --override-input on the same path",
        setup: { u in
            try u.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
            try u.commit("alice/b", id: "bd1", branch: "dev", parent: "b1", files: ["dev": "1\n"])
            try u.commit("alice/b", id: "bo1", branch: "other", parent: "b1", files: ["other": "1\n"])
            try u.commit("alice/a", id: "a1", files: ["flake.nix": flakeNix("b.url = \"github:alice/b\";")])
            try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";\na.inputs.b.url = \"github:alice/b/dev\";")])
        },
        steps: [
            .lock,
            .nix("flake lock --override-input a/b github:alice/b/other"),
            .lock,
            .nix("flake lock --override-input a github:alice/a/@REV:alice/a:a1@"),
        ])

    /// Tarball errors: narHash mismatch, 404, unsupported schemes; a correct `?narHash=`.
    static let tarballErrors = DiffScenario(
        name: "edge: tarball narHash and errors",
        setup: { u in
            try u.tarball("dl/x.tar.gz", files: ["flake.nix": leafFlake], prefix: "x/")
            let h = try ForgeUniverse.narHash(["flake.nix": .init(leafFlake)])
            try u.top(["flake.nix": flakeNix("x.url = \"https://tarballs.example/dl/x.tar.gz?narHash=\(h)\";")])
        },
        steps: [
            .lock,
            .change("narHash mismatch") { u in
                try u.editTop([
                    "flake.nix": flakeNix(
                        "x.url = \"https://tarballs.example/dl/x.tar.gz?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\";"
                    )
                ])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
            .change("404") { u in
                try u.editTop(["flake.nix": flakeNix("x.url = \"https://tarballs.example/dl/missing.tar.gz\";")])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
            .change("tarball+http") { u in
                try u.editTop(["flake.nix": flakeNix("x.url = \"tarball+http://tarballs.example/dl/x.tar.gz\";")])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
            .change("file+http") { u in
                try u.editTop(["flake.nix": flakeNix("x.url = \"file+http://tarballs.example/dl/x.tar.gz\";")])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
        ],
        extraNixConfig: "download-attempts = 1")

    /// a → b → a: "found circular import", unless broken with follows.
    static let circularImport = DiffScenario(
        name: "edge: circular import",
        setup: { u in
            try u.commit("alice/a", id: "a1", files: ["flake.nix": flakeNix("b.url = \"github:alice/b\";")])
            try u.commit("alice/b", id: "b1", files: ["flake.nix": flakeNix("a.url = \"github:alice/a\";")])
            try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";")])
        },
        steps: [
            .nix("flake lock", expect: .failure, lockUnchanged: true),
            .change("a/b/a follows a (the 2.8 deep-override bug: b becomes flake:b)") { u in
                try u.editTop([
                    "flake.nix": flakeNix("a.url = \"github:alice/a\";\na.inputs.b.inputs.a.follows = \"a\";")
                ])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
            .change("break the cycle: a/b follows the root") { u in
                try u.editTop(["flake.nix": flakeNix("a.url = \"github:alice/a\";\na.inputs.b.follows = \"\";")])
            },
            .nix("flake lock", expect: .any),
        ])

    /// `metadata` writes the lock; `--no-update-lock-file`, `--no-write-lock-file`, `--recreate-lock-file`.
    static let lockFileFlags = DiffScenario(
        name: "edge: metadata writes, --no-update-lock-file, --no-write-lock-file",
        setup: { u in
            try u.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
            try u.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
            try u.top(["flake.nix": flakeNix("a.url = \"github:alice/a\";")])
        },
        steps: [
            .metadata,
            .change("add an input") { u in
                try u.editTop(["flake.nix": flakeNix("a.url = \"github:alice/a\";\nb.url = \"github:alice/b\";")])
            },
            .nix("flake lock --no-update-lock-file", expect: .failure, lockUnchanged: true),
            // 2.8's `flake lock` has no --no-write-lock-file ("unrecognised flag").
            .nix("flake lock --no-write-lock-file", expect: .failure, lockUnchanged: true),
            .nix("flake metadata --json --no-write-lock-file", lockUnchanged: true),
            .lock,
            .change("a moves") { u in try u.commit("alice/a", id: "a2", files: ["x": "2\n"]) },
            .nix("flake lock --recreate-lock-file"),
        ])

    /// Attribute-set inputs, input names with dots and dashes, path attrs, github rev attrs.
    static let attributeFormsAndNames = DiffScenario(
        name: "edge: attribute forms and odd input names",
        setup: { u in
            try u.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
            try u.commit("alice/a", id: "ad1", branch: "dev", parent: "a1", files: ["dev": "1\n"])
            try u.tarball("dl/x.tar.gz", files: ["flake.nix": leafFlake], prefix: "x/")
            try u.dir("p", files: ["flake.nix": leafFlake])
            try u.top([
                "flake.nix": flakeNix(
                    """
                    "with.dot".url = "github:alice/a";
                    with-dash = { type = "github"; owner = "alice"; repo = "a"; ref = "dev"; };
                    _under = { type = "github"; owner = "alice"; repo = "a"; rev = "@REV:alice/a:a1@"; };
                    tb = { type = "tarball"; url = "https://tarballs.example/dl/x.tar.gz"; };
                    pth = { type = "path"; path = "@ROOT@/paths/p"; };
                    bare.url = "@ROOT@/paths/p";
                    "with.dot".inputs = { };
                    """)
            ])
        },
        steps: [
            .lock,
            .change("dev moves") { u in try u.commit("alice/a", id: "ad2", branch: "dev", files: ["dev": "2\n"]) },
            .nix("flake lock --update-input with-dash"),
            .nix("flake lock --update-input with.dot", expect: .any),
            .metadata,
        ])

    /// A dependency's own follows are relative to it (`z/x/nixpkgs` follows `z/nixpkgs`).
    static let dependencyFollowsPrefix = DiffScenario(
        name: "edge: follows declared inside a dependency",
        setup: { u in
            try u.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake])
            try u.commit("alice/x", id: "x1", files: ["flake.nix": flakeNix("nixpkgs.url = \"github:alice/np\";")])
            try u.commit(
                "alice/z", id: "z1",
                files: [
                    "flake.nix": flakeNix(
                        "nixpkgs.url = \"github:alice/np\";\nx.url = \"github:alice/x\";\nx.inputs.nixpkgs.follows = \"nixpkgs\";"
                    )
                ])
            try u.top(["flake.nix": flakeNix("z.url = \"github:alice/z\";\nnixpkgs.url = \"github:alice/np\";")])
        },
        steps: [
            .lock,
            .change("np moves") { u in try u.commit("alice/np", id: "n2", files: ["x": "2\n"]) },
            .nix("flake lock --update-input z/nixpkgs"),
            .change("the top makes z follow its nixpkgs") { u in
                try u.editTop([
                    "flake.nix": flakeNix(
                        "z.url = \"github:alice/z\";\nnixpkgs.url = \"github:alice/np\";\nz.inputs.nixpkgs.follows = \"nixpkgs\";"
                    )
                ])
            },
            .lock,
            .update,
        ])

    /// `dir=` on path and on GitHub with a ref; `flake:` with dir.
    static let dirVariants = DiffScenario(
        name: "edge: dir= on path, github with ref, indirect",
        setup: { u in
            try u.commit("alice/mono", id: "m1", files: ["sub/flake.nix": leafFlake, "README": "x\n"])
            try u.commit("alice/mono", id: "md1", branch: "dev", parent: "m1", files: ["dev": "1\n"])
            try u.dir("mono", files: ["sub/flake.nix": leafFlake, "README": "x\n"])
            try u.registry(.global, [("mono", ["type": "github", "owner": "alice", "repo": "mono"])])
            try u.top([
                "flake.nix": flakeNix(
                    """
                    g.url = "github:alice/mono/dev?dir=sub";
                    i.url = "flake:mono?dir=sub";
                    """)
            ])
        },
        steps: [
            .lock,
            .change("dev moves") { u in try u.commit("alice/mono", id: "md2", branch: "dev", files: ["dev": "2\n"]) },
            .update,
            .metadata,
            .change("path: with dir= (2.8: unsupported parameter)") { u in
                try u.editTop(["flake.nix": flakeNix("p.url = \"path:@ROOT@/paths/mono?dir=sub\";")])
            },
            .nix("flake lock", expect: .failure, lockUnchanged: true),
        ])
}
