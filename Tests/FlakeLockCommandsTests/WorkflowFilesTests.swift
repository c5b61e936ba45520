import FlakeLockTestSupport
import Foundation
import Testing

/// The GitHub workflows and the action parse as YAML (PyYAML) and run what they should.
@Suite(.enabled(if: WorkflowFiles.canParse, WorkflowFiles.skipReason))
struct WorkflowFilesTests {
    @Test func ciRunsTheTestScriptOnUbuntuAndTestsOnMacOS() throws {
        let ci = try WorkflowFiles.load(".github/workflows/ci.yml")
        let jobs = try #require(ci["jobs"] as? [String: [String: Any]])
        let runners = jobs.values.compactMap { $0["runs-on"] as? String }
        #expect(runners.contains { $0.hasPrefix("ubuntu") })
        #expect(runners.contains { $0.hasPrefix("macos") })
        let ubuntu = try #require(jobs.values.first { ($0["runs-on"] as? String)?.hasPrefix("ubuntu") == true })
        #expect(WorkflowFiles.runLines(ubuntu).contains("Scripts/test.sh"))
        let macos = try #require(jobs.values.first { ($0["runs-on"] as? String)?.hasPrefix("macos") == true })
        let macRuns = WorkflowFiles.runLines(macos)
        #expect(macRuns.contains("swift build --build-tests") && macRuns.contains("swift test --skip-build"))
        // `on:` is YAML 1.1's boolean true for PyYAML.
        let triggers = try #require((ci["on"] ?? ci[true.description]) as? [String: Any])
        #expect(triggers.keys.contains("pull_request") && triggers.keys.contains("push"))
    }

    @Test func releaseRunsTheReleaseScriptOnTags() throws {
        let release = try WorkflowFiles.load(".github/workflows/release.yml")
        let triggers = try #require((release["on"] ?? release[true.description]) as? [String: Any])
        let push = try #require(triggers["push"] as? [String: Any])
        #expect((push["tags"] as? [String]) == ["v*"])
        let jobs = try #require(release["jobs"] as? [String: [String: Any]])
        let steps = jobs.values.flatMap { ($0["steps"] as? [[String: Any]]) ?? [] }
        #expect(steps.contains { ($0["run"] as? String)?.contains("Scripts/release.sh") == true })
        #expect(steps.contains { ($0["uses"] as? String)?.hasPrefix("softprops/action-gh-release@") == true })
    }

    @Test func actionOnlyCallsTheScript() throws {
        let action = try WorkflowFiles.load("action.yml")
        let runs = try #require(action["runs"] as? [String: Any])
        #expect(runs["using"] as? String == "composite")
        let steps = try #require(runs["steps"] as? [[String: Any]])
        #expect(steps.count == 1)
        #expect(steps.first?["run"] as? String == #""$GITHUB_ACTION_PATH/Scripts/update-flake-lock.sh""#)
        // Every input reaches the script as a variable the script documents.
        let script = try String(contentsOfFile: RepositoryRoot.path + "/Scripts/update-flake-lock.sh", encoding: .utf8)
        let env = try #require(steps.first?["env"] as? [String: String])
        for name in env.keys {
            #expect(
                script.contains("#   \(name) ") || script.contains("#   \(name),") || script.contains(", \(name)\n"),
                "\(name) is not documented in the script")
        }
        let inputs = try #require(action["inputs"] as? [String: Any])
        for input in inputs.keys { #expect(env.values.contains("${{ inputs.\(input) }}"), "input \(input) is unused") }
    }
}

enum WorkflowFiles {
    /// Whether python3 with PyYAML is installed (Scripts/setup.sh installs it on Debian; on
    /// Linux CI its absence is a failure, not a skip).
    static let canParse: Bool = {
        if (try? ProcessRunner.run("python3", ["-c", "import yaml"]).status) == 0 { return true }
        #if os(Linux)
            return NixOracle.isCI
        #else
            return false
        #endif
    }()

    static let skipReason: Comment = "python3 with PyYAML is not installed (Scripts/setup.sh installs python3-yaml)"

    /// The YAML file at `relative` (from the repository root) as JSON-like values.
    static func load(_ relative: String) throws -> [String: Any] {
        let json = try ProcessRunner.check(
            "python3",
            [
                "-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1])), default=str))",
                RepositoryRoot.path + "/" + relative,
            ])
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8))
        return try #require(value as? [String: Any])
    }

    /// Every `run:` script of a job's steps, joined.
    static func runLines(_ job: [String: Any]) -> String {
        ((job["steps"] as? [[String: Any]]) ?? []).compactMap { $0["run"] as? String }.joined(separator: "\n")
    }
}
