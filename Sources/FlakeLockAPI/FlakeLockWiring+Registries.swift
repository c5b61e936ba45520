package import Fetchers
import FlakeLockBasics
package import FlakeLockCore
package import FlakeModel
import Foundation

extension FlakeLockWiring {
    /// User (`$XDG_CONFIG_HOME/nix/registry.json`), system (`$NIX_CONF_DIR/registry.json`)
    /// and global (the `flake-registry` setting: a path or a URL; empty disables it)
    /// registries, and the flag registry from `--override-flake`.
    package static func loadRegistries(
        env: [String: String], settings: NixSettings, profile: CompatProfile, http: any HTTPTransport,
        overrideFlakes: [(String, String)], currentDirectory: String, reporter: any FetchReporter
    ) async throws -> Registries {
        let configHome = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? "/") + "/.config")
        var registries = Registries()
        let deferred = CollectedWarnings()
        registries.user = await registry(
            configHome + "/nix/registry.json", profile: profile, http: http, reporter: deferred)
        registries.system = await registry(
            (env["NIX_CONF_DIR"] ?? "/etc/nix") + "/registry.json", profile: profile, http: http, reporter: deferred)
        registries.deferredWarnings = deferred.messages
        let global = settings.values["flake-registry"] ?? profile.globalRegistryDefault
        if !global.isEmpty {
            // Read (or downloaded) only if an indirect reference needs it.
            registries.globalLoader = { await registry(global, profile: profile, http: http, reporter: $0) }
        }
        for (fromText, toText) in overrideFlakes {
            let from = try FlakeRef.parse(fromText, profile: profile)
            let to = try FlakeRef.parse(
                toText, profile: profile, base: .directory(currentDirectory, probe: LocalFileSystemProbe()),
                diagnostics: { if case .warning(let message) = $0 { reporter.warning(message) } })
            registries.flag.entries.append(Registry.Entry(from: from.input, to: to))
        }
        return registries
    }

    /// Reads a registry given as a path, a `file://` URL or a URL to download; a missing
    /// file is an empty registry.
    package static func registry(
        _ location: String, profile: CompatProfile, http: any HTTPTransport, reporter: any FetchReporter
    ) async -> Registry {
        var bytes: [UInt8]?
        if location.hasPrefix("/") || location.hasPrefix("file://") {
            let path = location.hasPrefix("file://") ? String(location.dropFirst("file://".count)) : location
            guard FileManager.default.fileExists(atPath: path) else { return Registry() }
            // FileHandle, not FileManager.contents: `/dev/null` (an empty registry that Nix
            // warns about) is not a regular file.
            guard let handle = FileHandle(forReadingAtPath: path), let data = try? (handle.readToEnd() ?? Data()) else {
                reporter.warning("cannot read flake registry '\(location)': cannot read file '\(path)'")
                return Registry()
            }
            bytes = Array(data)
        } else {
            do {
                bytes = try await http.data(HTTPRequest(url: location)).1
            } catch {
                reporter.warning("cannot fetch flake registry '\(location)': \(error)")
            }
        }
        guard let bytes else { return Registry() }
        let (r, warning) = Registry.parse(bytes, path: location, profile: profile)
        if let warning { reporter.warning(warning) }
        return r
    }

    /// `--inputs-from FLAKE`: every root input of FLAKE's (computed, unwritten) lock becomes a
    /// flag-registry entry `flake:<name>` → its locked reference, follows resolved.
    func registryEntries(inputsFrom flake: String) async throws -> [Registry.Entry] {
        let ref = try parseFlakeArgument(flake)
        var flags = LockFlags()
        flags.writeLockFile = false
        flags.dryRun = true
        let result = try await session().lock(ref, flags: flags)
        let lock = try LockFile.parse(Array(result.lockText.utf8), path: flake, profile: profile)
        var entries: [Registry.Entry] = []
        for (name, _) in lock.root.sortedInputs {
            guard let node = try lock.findInput(InputPath([name])), let locked = node.lock?.locked else { continue }
            let from = try Input.fromAttrs(["type": "indirect", "id": .string(name)], profile: profile)
            // Nix passes the input, not the subdir.
            entries.append(Registry.Entry(from: from, to: FlakeRef(input: locked.input)))
        }
        return entries
    }

    /// A locking session on this wiring.
    /// - Parameter reporter: where the lock's messages go (default: the wiring's reporter).
    package func session(reporter: (any LockReporter)? = nil) -> FlakeLockSession {
        FlakeLockSession(
            profile: profile, fetcher: fetcher, reporter: reporter ?? self.reporter, probe: probe, logger: logger,
            commitLockFileSummary: settings.commitLockFileSummary)
    }

    /// Parses a FLAKE argument (default `.`) as Nix parses installables: relative paths
    /// against the current directory, with the upward searches for `flake.nix` and `.git`.
    package func parseFlakeArgument(_ arg: String?) throws -> FlakeRef {
        try parseUserFlakeRef(arg ?? ".")
    }

    /// Parses a flake reference the user typed (the FLAKE argument, `--override-input`,
    /// `--override-flake`'s target) against the current directory; Nix's warnings go to the
    /// reporter, its notices to the log.
    package func parseUserFlakeRef(_ text: String) throws -> FlakeRef {
        try FlakeRef.parse(
            text, profile: profile, base: .directory(currentDirectory, probe: probe), diagnostics: report)
    }

    /// Gives a parse's warning or notice as Nix does (`warning: …`, a plain line).
    package func report(_ diagnostic: FlakeRefDiagnostic) {
        switch diagnostic {
        case .warning(let message): reporter.warning(message)
        case .notice(let message): logger.notice("\(message)")
        }
    }
}

/// Where the library's warnings go: a closure (``FlakeLockConfiguration/onWarning``).
package struct WarningReporter: LockReporter, FetchReporter {
    let sink: @Sendable (String) -> Void

    package init(_ sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

    package func warning(_ message: String) { sink(message) }
}

/// Warnings kept to be given later (the user and system registries' ones).
final class CollectedWarnings: FetchReporter, @unchecked Sendable {
    // @unchecked: `messages` is guarded by `lock`.
    private let lock = NSLock()
    private var collected: [String] = []

    var messages: [String] { lock.withLock { collected } }

    func warning(_ message: String) { lock.withLock { collected.append(message) } }
}
