import FlakeLockBasics
import FlakeModel
import Foundation

/// A flake registry (docs/nix-behaviour.md, "Fetcher: indirect and registries"): entries
/// mapping an indirect `from` to a `to` reference.
public struct Registry: Sendable {
    public struct Entry: Sendable {
        public var from: Input
        public var to: FlakeRef
        public var exact: Bool

        public init(from: Input, to: FlakeRef, exact: Bool = false) {
            self.from = from
            self.to = to
            self.exact = exact
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Parses a version-2 registry file. Like Nix, an unsupported version or invalid JSON
    /// gives a warning (returned) and an empty registry.
    public static func parse(_ bytes: [UInt8], path: String, profile: CompatProfile) -> (Registry, warning: String?) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            return (Registry(), "cannot parse flake registry '\(path)': \(error)")
        }
        guard let obj = json.objectValue else {
            return (Registry(), "cannot parse flake registry '\(path)': not an object")
        }
        let version =
            obj["version"].flatMap { v -> UInt64? in
                if case .number(let n) = v { return UInt64(n.text) } else { return nil }
            } ?? 0
        guard version == 2 else {
            return (
                Registry(),
                "cannot read flake registry '\(path)': flake registry '\(path)' has unsupported version \(version)"
            )
        }
        var entries: [Entry] = []
        for item in obj["flakes"]?.arrayValue ?? [] {
            guard let e = item.objectValue, let fromJSON = e["from"], let toJSON = e["to"] else { continue }
            do {
                let fromAttrs = try Attrs(json: fromJSON)
                let toAttrs = try Attrs(json: toJSON)
                let from = try Input.fromAttrs(fromAttrs, profile: profile)
                let to = try FlakeRef.fromAttrs(toAttrs, profile: profile)
                let exact: Bool = if case .bool(true) = e["exact"] { true } else { false }
                entries.append(Entry(from: from, to: to, exact: exact))
            } catch {
                return (Registry(), "cannot read flake registry '\(path)': \(error)")
            }
        }
        return (Registry(entries: entries), nil)
    }
}

/// The registries in lookup order: flag (`--override-flake`, `--inputs-from`), user,
/// system, global.
public struct Registries: Sendable {
    public var flag: Registry
    public var user: Registry
    public var system: Registry
    public var global: Registry
    /// Loads the global registry on first use instead (it may be a download); when set,
    /// ``global`` is ignored until ``SourceFetcher`` has called it. Its warnings go to the
    /// reporter it is given.
    public var globalLoader: (@Sendable (any FetchReporter) async -> Registry)?
    /// Warnings from reading the user and system registries, given (in this order) when an
    /// indirect reference is first looked up, as Nix reads its registries only then.
    public var deferredWarnings: [String] = []

    public init(
        flag: Registry = Registry(), user: Registry = Registry(), system: Registry = Registry(),
        global: Registry = Registry()
    ) {
        self.flag = flag
        self.user = user
        self.system = system
        self.global = global
    }

    public func inOrder(_ scope: CompatProfile.RegistryScope) -> [Registry] {
        switch scope {
        case .all: [flag, user, system, global]
        case .flagAndGlobal: [flag, global]
        }
    }

    /// Resolves an indirect reference (docs/nix-behaviour.md, "Fetcher: indirect and
    /// registries", lookup): repeatedly replaces it by the first matching entry's target,
    /// carrying over `ref`/`rev` the entry does not pin, until it is no longer indirect.
    /// - Returns: the resolved reference (its subdir is the entry's `dir` if it has one,
    ///   otherwise the original subdir).
    public func resolve(_ ref: FlakeRef, scope: CompatProfile.RegistryScope, profile: CompatProfile) throws -> FlakeRef
    {
        var input = ref.input
        var subdir = ref.subdir
        let registries = inOrder(scope)
        var steps = 0
        outer: while case .indirect = input.spec {
            steps += 1
            if steps > 100 {
                throw RegistryError.cycle(url: (try? ref.toURLString(profile: profile)) ?? ref.description)
            }
            for registry in registries {
                for entry in registry.entries {
                    if entry.exact {
                        guard entry.from == input else { continue }
                        input = entry.to.input
                    } else {
                        var bare = input.attrs
                        bare["ref"] = nil
                        bare["rev"] = nil
                        guard entry.from == input || entry.from.attrs == bare else { continue }
                        let carryRef = entry.from.attrs["ref"] == nil ? input.attrs.string("ref") : nil
                        let carryRev = entry.from.attrs["rev"] == nil ? input.attrs.string("rev") : nil
                        input = try Self.applyOverrides(entry.to.input, ref: carryRef, rev: carryRev, profile: profile)
                    }
                    if !entry.to.subdir.isEmpty { subdir = entry.to.subdir }
                    continue outer
                }
            }
            throw RegistryError.notFound(
                url: (try? FlakeRef(input: input).toURLString(profile: profile)) ?? input.description)
        }
        return FlakeRef(input: input, subdir: subdir)
    }

    /// Sets `ref`/`rev` on a registry target as its scheme allows (Nix's `applyOverrides`).
    static func applyOverrides(_ input: Input, ref: String?, rev: String?, profile: CompatProfile) throws -> Input {
        if ref == nil && rev == nil { return input }
        var attrs = input.attrs
        switch input.spec {
        case .forge:
            if let ref, let rev { throw RegistryError.bothRefAndRev(rev: rev, ref: ref, input: input.description) }
            if let rev {
                attrs["rev"] = .string(rev)
                attrs["ref"] = nil
            }
            if let ref {
                attrs["ref"] = .string(ref)
                attrs["rev"] = nil
            }
        case .git, .hg, .indirect:
            if let rev { attrs["rev"] = .string(rev) }
            if let ref { attrs["ref"] = .string(ref) }
        default:
            let url = (try? input.toURLString(profile: profile)) ?? input.description
            if let ref { throw RegistryError.cannotSetRef(input: url, ref: ref) }
            if let rev { throw RegistryError.cannotSetRev(input: url, rev: rev) }
        }
        return try Input.fromAttrs(attrs, profile: profile)
    }
}

public enum RegistryError: UserFacingError, Equatable {
    case notFound(url: String)
    case cycle(url: String)
    case bothRefAndRev(rev: String, ref: String, input: String)
    case cannotSetRef(input: String, ref: String)
    case cannotSetRev(input: String, rev: String)

    public var description: String {
        switch self {
        case .notFound(let url): "cannot find flake '\(url)' in the flake registries"
        case .cycle(let url): "cycle detected in flake registry for '\(url)'"
        case .bothRefAndRev(let rev, let ref, let input):
            "cannot apply both a commit hash (\(rev)) and a branch/tag name ('\(ref)') to input '\(input)'"
        case .cannotSetRef(let input, let ref): "don't know how to set branch/tag name of input '\(input)' to '\(ref)'"
        case .cannotSetRev(let input, let rev): "don't know how to set revision of input '\(input)' to '\(rev)'"
        }
    }
}
