import Fetchers
import FlakeModel
import NixSyntax

/// Checks, without fetching anything, that flake.lock still matches flake.nix.
///
/// This compares what flake.nix declares — read with ``FlakeFileReader`` and converted with
/// the locker's own input parser, so defaults (`flake:<name>`), `follows` paths and the
/// profile's rules are the locker's — against the lock graph:
/// - every input of the top-level flake must have a node whose `original` equals the
///   declared reference (compared as ``LockResolver`` compares them: canonicalised where the
///   profile canonicalises), or a follows edge to the declared path;
/// - every `inputs.X.inputs.Y.follows` (and, where the profile records it, every
///   `inputs.X.inputs.Y.url`) must be reflected at `X/Y`;
/// - the root of flake.lock must not have inputs that flake.nix no longer declares.
///
/// A full offline relock (``FlakeLockSession/lock(_:flags:)``) would also notice changes
/// inside dependencies' own lock files, but it has to read every dependency's flake.nix,
/// which needs their sources on disk; this check needs only flake.nix and flake.lock.
public enum LockSyncCheck {
    /// The `out-of-sync` findings for `lock` against the flake.nix text.
    /// - Parameters:
    ///   - flakeNix: the contents of flake.nix.
    ///   - file: its path, for parse errors.
    ///   - flakeDirectory: the flake's directory (Nix 2.8 resolves relative paths against it).
    /// - Throws: flake.nix syntax and declaration errors (``FlakeFileError``, or the
    ///   locker's input errors), as the locker would report them.
    public static func findings(
        flakeNix: String, file: String, flakeDirectory: String?, lock: LockFile, profile: CompatProfile
    ) throws -> [AuditFinding] {
        let flake = try FlakeFileReader.read(text: flakeNix, file: file)
        let parser = FlakeInputParser(
            profile: profile, lockRootPath: [],
            baseDirectory: profile.relativePathInputs ? nil : flakeDirectory,
            probe: flakeDirectory == nil ? nil : LocalFileSystemProbe())
        var inputs = try parser.parse(flake.inputs)
        for formal in flake.outputsFormals ?? [] where formal != "self" && inputs[formal] == nil {
            inputs[formal] = FlakeInputSpec(ref: try parser.indirect(formal, span: flake.outputsSpan))
        }
        let checker = Checker(lock: lock, profile: profile)
        var out: [AuditFinding] = []
        for (name, spec) in inputs.sorted(by: { $0.key.byteWiseLess(than: $1.key) }) {
            out += checker.check(spec, path: [name], edge: lock.root.inputs[name], isOverride: false)
            out += checker.overrides(of: spec, path: [name], depth: 1)
        }
        for (name, _) in lock.root.sortedInputs where inputs[name] == nil {
            out.append(
                AuditFinding(
                    check: .outOfSync, path: [name],
                    message: "input '\(name)' is in flake.lock but flake.nix no longer declares it",
                    details: ["reason": "removed"]))
        }
        return out
    }

    /// Like ``findings(flakeNix:file:flakeDirectory:lock:profile:)``, but a flake.nix that
    /// cannot be read — a syntax error, or an attribute current Nix rejects, such as the
    /// long-gone `edition` of old flakes — becomes one `out-of-sync` finding saying so
    /// (`reason: unreadable`), so that the audit of flake.lock itself still runs.
    public static func findingsOrUnreadable(
        flakeNix: String, file: String, flakeDirectory: String?, lock: LockFile, profile: CompatProfile
    ) -> [AuditFinding] {
        do {
            return try findings(
                flakeNix: flakeNix, file: file, flakeDirectory: flakeDirectory, lock: lock, profile: profile)
        } catch {
            let reason = String(describing: error)
            return [
                AuditFinding(
                    check: .outOfSync,
                    message: "out of sync: cannot compare flake.lock with '\(file)', which is unreadable: \(reason)",
                    details: ["reason": "unreadable", "file": file, "error": reason])
            ]
        }
    }

    struct Checker {
        let lock: LockFile
        let profile: CompatProfile

        func check(_ spec: FlakeInputSpec, path: InputPath, edge: LockEdge?, isOverride: Bool) -> [AuditFinding] {
            func finding(_ reason: String, _ message: String, _ extra: [String: String] = [:]) -> [AuditFinding] {
                [
                    AuditFinding(
                        check: .outOfSync, path: path, message: message,
                        details: extra.merging(["reason": reason]) { a, _ in a })
                ]
            }
            if let follows = spec.follows {
                switch edge {
                case .follows(let target)? where target == follows: return []
                case nil where !isOverride: return finding("missing", "'\(path)' needs locking (follows '\(follows)')")
                case nil: return []
                default:
                    return finding(
                        "follows", "'\(path)' follows '\(follows)' in flake.nix, but flake.lock has \(describe(edge))",
                        ["declared": "follows '\(follows)'"])
                }
            }
            guard let ref = spec.ref else { return [] }
            if isOverride && profile.nestedOverrideOriginal != .overrideReference { return [] }
            if !profile.relativePathInputs, case .path = ref.input.spec { return [] }
            let declared = (try? ref.toURLString(profile: profile)) ?? ref.description
            guard case .node(let node)? = edge, let l = node.lock else {
                if edge == nil && isOverride { return [] }
                return finding("missing", "'\(path)' needs locking (\(declared))", ["declared": declared])
            }
            let same =
                profile.canonicalizesOriginals
                ? l.original.canonicalized(profile: profile) == ref.canonicalized(profile: profile) : l.original == ref
            if same { return [] }
            let recorded = (try? l.original.toURLString(profile: profile)) ?? l.original.description
            return finding(
                "changed", "'\(path)' is declared as '\(declared)' in flake.nix, but flake.lock locked '\(recorded)'",
                ["declared": declared, "locked": recorded])
        }

        /// The nested overrides of `spec` (`inputs.X.inputs.Y…`), to the depth the profile honours.
        func overrides(of spec: FlakeInputSpec, path: InputPath, depth: Int) -> [AuditFinding] {
            guard depth == 1 || profile.deepOverrides else { return [] }
            guard let parent = try? lock.findInput(path) else { return [] }
            var out: [AuditFinding] = []
            for (name, child) in spec.sortedOverrides {
                guard let edge = parent.inputs[name] else { continue }
                out += check(child, path: path.appending(name), edge: edge, isOverride: true)
                out += overrides(of: child, path: path.appending(name), depth: depth + 1)
            }
            return out
        }

        func describe(_ edge: LockEdge?) -> String {
            switch edge {
            case nil: "nothing"
            case .follows(let p)?: "follows '\(p)'"
            case .node(let n)?:
                n.lock.map { "'\((try? $0.locked.toURLString(profile: profile)) ?? $0.locked.description)'" }
                    ?? "the root"
            }
        }
    }
}
