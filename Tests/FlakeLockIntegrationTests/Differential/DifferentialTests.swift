import FlakeLockTestSupport
import Testing

/// Nix 2.8 (Debian's `nix`) against `flakelock --compat nix-2.8` on identical universes,
/// step by step: exit status (zero or not) and flake.lock bytes after every step.
/// Without `nix` these tests skip themselves, except with `CI=true`, where they fail.
@Suite("Differential: Nix 2.8 vs flakelock", .serialized, .fakeForge())
struct DifferentialTests {
    @Test(arguments: DifferentialScenarios.all)
    func scenario(_ scenario: DiffScenario) throws {
        try runDifferential(scenario)
    }

    @Test(arguments: DifferentialEdgeScenarios.all)
    func edgeScenario(_ scenario: DiffScenario) throws {
        try runDifferential(scenario)
    }
}

/// GIT TRANSPORT: the same comparison for git+file, git+http(s) and git:// inputs. These
/// depend on flakelock's libgit2 transport.
@Suite("Differential (git transport): Nix 2.8 vs flakelock", .serialized, .fakeForge(gitDaemon: true))
struct DifferentialGitTests {
    @Test(arguments: DifferentialGitScenarios.all)
    func gitScenario(_ scenario: DiffScenario) throws {
        try runDifferential(scenario)
    }
}

/// MERCURIAL: the same comparison for hg+file inputs, both engines running Debian's `hg`.
@Suite("Differential (Mercurial): Nix 2.8 vs flakelock", .serialized, .fakeForge())
struct DifferentialMercurialTests {
    @Test(arguments: DifferentialMercurialScenarios.all)
    func mercurialScenario(_ scenario: DiffScenario) throws {
        try runDifferential(scenario)
    }
}

/// MERCURIAL over the network: `hg+http` and `hg+https` inputs served by `hg serve` on
/// loopback, `hg+ssh` through an ssh stand-in (`ui.ssh`).
@Suite("Differential (Mercurial over HTTP, HTTPS, ssh): Nix 2.8 vs flakelock", .serialized, .fakeForge(hgServe: true))
struct DifferentialMercurialHTTPTests {
    @Test(arguments: DifferentialMercurialScenarios.http)
    func mercurialHTTPScenario(_ scenario: DiffScenario) throws {
        try runDifferential(scenario)
    }
}
