// Loads a flake, locks it (writing flake.lock when it changes), and prints its pins and
// an offline audit.
//
//   flakelock-example [FLAKE-DIRECTORY]
import FlakeLockAPI
import Foundation

let directory = CommandLine.arguments.dropFirst().first ?? "."

do {
    let configuration = FlakeLockConfiguration(onWarning: { message in
        FileHandle.standardError.write(Data("nix says: \(message)\n".utf8))
    })
    let locker = FlakeLocker(configuration: configuration)

    let flake = try await locker.loadFlake(directory)
    print("flake: \(flake.description ?? "(no description)")")
    print("inputs: \(flake.inputNames.joined(separator: ", "))")

    let outcome = try await locker.lock(directory)
    print(outcome.written ? "wrote \(outcome.lockFilePath ?? "flake.lock")" : "flake.lock is up to date")
    for pin in outcome.lockFile.pins {
        print("pin \(pin.inputPath): \(pin.url)")
    }

    let audit = try outcome.lockFile.audit(AuditSettings(failOn: "none"))
    print("audit: \(audit.findings.count) finding(s)")
    for finding in audit.findings {
        print("  [\(finding.check)] \(finding.inputPath ?? "-"): \(finding.message)")
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
