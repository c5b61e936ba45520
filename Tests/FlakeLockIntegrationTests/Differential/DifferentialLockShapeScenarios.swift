import FlakeLockTestSupport
import Foundation
import Testing

/// Lock files of shapes that real repositories carry but the other scenarios never write:
/// forge hosts other than the defaults, `file` inputs, lock versions 5 and 6 (with the `info`
/// objects of version 5, also inside a version-7 file), Determinate-style locks without
/// `narHash`, and the `parent` of relative path inputs written by Nix 2.26 and later. Nix 2.8
/// reads all of them; the comparison is with what it does.
@Suite("Differential (lock shapes): Nix 2.8 vs flakelock", .serialized, .fakeForge())
struct DifferentialLockShapeTests {
    @Test(arguments: DifferentialLockShapeScenarios.all)
    func lockShapeScenario(_ scenario: DiffScenario) throws {
        try runDifferential(scenario)
    }
}

enum DifferentialLockShapeScenarios {
    static let all: [DiffScenario] = [forgeHosts, fileInput, oldVersions, infoInVersion7, withoutNarHash, pathParent]

    /// GitLab subgroups (`gitlab:group%2Fsubgroup/repo`, the form GitLab's documentation and
    /// real flakes use) and a GitHub Enterprise instance (`?host=`: Nix 2.8 asks `api.HOST`).
    static let forgeHosts = DiffScenario(
        name: "shapes: GitLab subgroup and GitHub Enterprise host",
        setup: { u in
            try u.commit("grp/sub/np", id: "g1", files: ["flake.nix": leafFlake])
            try u.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake])
            try u.top([
                "flake.nix": flakeNix(
                    "sub.url = \"gitlab:grp%2Fsub/np\";\nsubref.url = \"gitlab:grp%2Fsub/np/main\";\nghe.url = \"github:alice/np?host=git.example\";"
                )
            ])
        },
        steps: [
            .lock,
            .nix("flake lock", lockUnchanged: true),
            .change("upstreams move") { u in
                try u.commit("grp/sub/np", id: "g2", files: ["x": "2\n"])
                try u.commit("alice/np", id: "n2", files: ["x": "2\n"])
            },
            .nix("flake lock --update-input sub"),
            .update,
            .metadata,
        ])

    /// `file` inputs, common in real locks written by later Nix, do not exist in Nix 2.8: the
    /// attribute form is an unsupported input, and a plain `https` URL without an archive
    /// extension is no input at all. `--compat nix-2.8` must refuse both the same way and
    /// leave the lock alone.
    static let fileInput = DiffScenario(
        name: "shapes: file inputs (unknown to Nix 2.8)",
        setup: { u in
            try u.webFile("dl/data.json", "{\"a\": 1}\n")
            try u.tarball("dl/t.tar.gz", files: ["flake.nix": leafFlake], prefix: "t/")
            try u.top(["flake.nix": flakeNix("t.url = \"https://tarballs.example/dl/t.tar.gz\";")])
        },
        steps: [
            .lock,
            .change("a file input in attribute form") { u in
                try u.editTop([
                    "flake.nix": flakeNix(
                        "t.url = \"https://tarballs.example/dl/t.tar.gz\";\ndata = { type = \"file\"; url = \"https://tarballs.example/dl/data.json\"; flake = false; };"
                    )
                ])
            },
            .nix("flake lock", expect: .failure, stderrContains: "unsupported input", lockUnchanged: true),
            .change("a plain https URL without an archive extension") { u in
                try u.editTop([
                    "flake.nix": flakeNix(
                        "t.url = \"https://tarballs.example/dl/t.tar.gz\";\ndata = { url = \"https://tarballs.example/dl/data.json\"; flake = false; };"
                    )
                ])
            },
            .nix("flake lock", expect: .failure, stderrContains: "is unsupported", lockUnchanged: true),
        ])

    /// NixOS/nix's own flake.lock at 4ba4c7ff66c95319d98fa859428f60f30f94edd4 (2020-03-30,
    /// version 5, `lastModified` and `narHash` in `info`) and at
    /// 1205b41849eadb434a2f38301ce6cfe522a39a14 (2020-06-09, version 6), LGPL-2.1. Their
    /// flake.nix used `inputs.nixpkgs.uri`, which no Nix since 2.4 accepts; the `url` form
    /// declares the same input. A no-op lock keeps the old file byte for byte; adding an input
    /// rewrites it as version 7 with `info` folded into `locked`.
    static let oldVersions = DiffScenario(
        name: "shapes: lock versions 5 (info) and 6",
        setup: { u in
            try u.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake])
            try u.top([
                "flake.nix": flakeNix(nixpkgsInput, description: "The purely functional package manager"),
                "flake.lock": version5Lock,
            ])
        },
        steps: [
            .nix("flake lock", lockUnchanged: true),
            .metadata,
            inputAdded,
            .lock,
            .change("the version-6 lock") { u in
                try u.editTop(["flake.nix": flakeNix(nixpkgsInput), "flake.lock": version6Lock])
            },
            .nix("flake lock", lockUnchanged: true),
            .metadata,
            inputAdded,
            .lock,
        ])

    /// Nix reads `info` whatever the version says (src/libflake/lockfile.cc, getFlakeRef).
    static let infoInVersion7 = DiffScenario(
        name: "shapes: version 7 lock still carrying info",
        setup: { u in
            try u.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake])
            let lock = version5Lock.replacingOccurrences(of: "\"version\": 5", with: "\"version\": 7")
            try u.top(["flake.nix": flakeNix(nixpkgsInput), "flake.lock": lock])
        },
        steps: [
            .nix("flake lock", lockUnchanged: true),
            .metadata,
            inputAdded,
            .lock,
        ])

    /// Locks without `narHash` where a revision pins the input (what Determinate Nix writes
    /// with lazy locks): kept as they are by a no-op lock, completed by an update.
    static let withoutNarHash = DiffScenario(
        name: "shapes: locked by rev without narHash",
        setup: { u in
            try u.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake])
            try u.top([
                "flake.nix": flakeNix("np.url = \"github:alice/np\";"),
                "flake.lock": """
                {
                  "nodes": {
                    "np": {
                      "locked": {
                        "lastModified": @LASTMOD:alice/np:n1@,
                        "owner": "alice",
                        "repo": "np",
                        "rev": "@REV:alice/np:n1@",
                        "type": "github"
                      },
                      "original": {
                        "owner": "alice",
                        "repo": "np",
                        "type": "github"
                      }
                    },
                    "root": {
                      "inputs": {
                        "np": "np"
                      }
                    }
                  },
                  "root": "root",
                  "version": 7
                }

                """,
            ])
        },
        steps: [.nix("flake lock", lockUnchanged: true), .metadata, .update])

    /// A relative path input as current Nix writes it (no `narHash`, `parent: []`; the shape
    /// of Nix 2.31's lock of such a flake), read by Nix 2.8, which knows neither and refuses
    /// the node as a mutable lock.
    static let pathParent = DiffScenario(
        name: "shapes: relative path node with parent",
        setup: { u in
            try u.top([
                "flake.nix": flakeNix("sub.url = \"path:./sub\";"),
                "sub/flake.nix": leafFlake,
                "flake.lock": """
                {
                  "nodes": {
                    "root": {
                      "inputs": {
                        "sub": "sub"
                      }
                    },
                    "sub": {
                      "locked": {
                        "path": "./sub",
                        "type": "path"
                      },
                      "original": {
                        "path": "./sub",
                        "type": "path"
                      },
                      "parent": []
                    }
                  },
                  "root": "root",
                  "version": 7
                }

                """,
            ])
        },
        steps: [
            .nix("flake lock", expect: .failure, stderrContains: "mutable lock", lockUnchanged: true),
            .nix("flake metadata --json", expect: .failure, lockUnchanged: true),
            .nix("flake update", expect: .failure, lockUnchanged: true),
        ])

    static let nixpkgsInput = "nixpkgs.url = \"nixpkgs/nixos-20.03-small\";"

    /// A second input declared beside `nixpkgs`, so the old lock must be rewritten.
    static let inputAdded = DiffStep.change("an input is added") { u in
        try u.editTop(["flake.nix": flakeNix(nixpkgsInput + "\nnp.url = \"github:alice/np\";")])
    }

    static let version5Lock = """
        {
          "nodes": {
            "nixpkgs": {
              "info": {
                "lastModified": 1585405475,
                "narHash": "sha256-bESW0n4KgPmZ0luxvwJ+UyATrC6iIltVCsGdLiphVeE="
              },
              "locked": {
                "owner": "NixOS",
                "repo": "nixpkgs",
                "rev": "b88ff468e9850410070d4e0ccd68c7011f15b2be",
                "type": "github"
              },
              "original": {
                "id": "nixpkgs",
                "ref": "nixos-20.03-small",
                "type": "indirect"
              }
            },
            "root": {
              "inputs": {
                "nixpkgs": "nixpkgs"
              }
            }
          },
          "root": "root",
          "version": 5
        }

        """

    static let version6Lock = """
        {
          "nodes": {
            "nixpkgs": {
              "locked": {
                "lastModified": 1591633336,
                "narHash": "sha256-oVXv4xAnDJB03LvZGbC72vSVlIbbJr8tpjEW5o/Fdek=",
                "owner": "NixOS",
                "repo": "nixpkgs",
                "rev": "70717a337f7ae4e486ba71a500367cad697e5f09",
                "type": "github"
              },
              "original": {
                "id": "nixpkgs",
                "ref": "nixos-20.03-small",
                "type": "indirect"
              }
            },
            "root": {
              "inputs": {
                "nixpkgs": "nixpkgs"
              }
            }
          },
          "root": "root",
          "version": 6
        }

        """
}
