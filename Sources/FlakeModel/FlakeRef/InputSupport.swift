import NixCompat

/// A Git (or Mercurial) revision: a SHA-1, held as 40 lowercase hex digits.
public struct Revision: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 40 lowercase hex digits (`gitRev()` in Nix).
    public let hex: String

    /// Parses a revision in any hash form Nix accepts for `rev` (base16, nix32, base64, SRI
    /// with `sha1`).
    /// - Throws: ``FlakeRefError`` with the hash parser's message.
    public init(parsing s: String) throws(FlakeRefError) {
        do {
            let h = try NixHash.parse(s, algorithm: .sha1)
            hex = h.base16
        } catch {
            throw FlakeRefError(.invalidAttribute, error.description)
        }
    }

    /// A revision given as exactly 40 hex digits, as Git names an object (upper case is
    /// normalised to lower case); nil for anything else. The fetchers and transports use
    /// this form under the name `GitObjectID`.
    public init?(_ hex: String) {
        let h = hex.lowercased()
        guard Self.isRevisionSyntax(h) else { return nil }
        self.hex = h
    }

    /// The first 7 digits, as `git log --oneline` and Nix's `shortRev` show them.
    public var short: String { String(hex.prefix(7)) }

    /// The all-zero revision current Nix uses for a repository without commits.
    public var isZero: Bool { hex.utf8.allSatisfy { $0 == UInt8(ascii: "0") } }
    public var description: String { hex }

    /// True if `s` is exactly 40 hex digits (either case).
    public static func isRevisionSyntax(_ s: String) -> Bool {
        s.utf8.count == 40 && s.utf8.allSatisfy { PercentEncoding.hexValue($0) != nil }
    }

    public static func < (a: Revision, b: Revision) -> Bool { a.hex < b.hex }
}

/// Syntax checks shared by the schemes (regular expressions of Nix's `url-parts.hh`).
enum Syntax {
    /// `[a-zA-Z][a-zA-Z0-9_-]*`
    static func isFlakeID(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard let f = b.first, ParsedURL.isAlpha(f) else { return false }
        return b.allSatisfy {
            ParsedURL.isAlpha($0) || ParsedURL.isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// The ref regex of the profile (docs/nix-behaviour.md, "Parsing a flake reference").
    static func isRef(_ s: String, _ syntax: CompatProfile.RefSyntax) -> Bool {
        let b = Array(s.utf8)
        guard let f = b.first else { return false }
        let extra: Set<UInt8> = syntax == .nix28 ? Set(Array("_./-".utf8)) : Set(Array("_./@+-".utf8))
        let firstOK = ParsedURL.isAlpha(f) || ParsedURL.isDigit(f) || (syntax == .current && f == UInt8(ascii: "@"))
        return firstOK && b.allSatisfy { ParsedURL.isAlpha($0) || ParsedURL.isDigit($0) || extra.contains($0) }
    }

    /// 2.8's "bad Git ref" regex (also used for current, which asks libgit2): `//`, leading
    /// `.` or `/`, `/.`, `..`, control characters, space, `: ? ^ ~ [ \ *`, `.lock` at the end
    /// or before `/`, `@{`, trailing `/` or `.`, a lone `@`, or empty.
    static func isBadGitRef(_ s: String) -> Bool {
        if s.isEmpty || s == "@" { return true }
        if s.hasPrefix(".") || s.hasPrefix("/") || s.hasSuffix("/") || s.hasSuffix(".") { return true }
        for bad in ["//", "/.", "..", ".lock/", "@{"] where s.contains(bad) { return true }
        if s.hasSuffix(".lock") { return true }
        return s.utf8.contains { $0 < 0x20 || $0 == 0x7F || Array(" :?^~[\\*\t\n".utf8).contains($0) }
    }

    /// `[a-zA-Z0-9.]*` (2.8) or `[a-zA-Z0-9.-]*` (current).
    static func isHost(_ s: String, _ syntax: CompatProfile.HostSyntax) -> Bool {
        s.utf8.allSatisfy {
            ParsedURL.isAlpha($0) || ParsedURL.isDigit($0) || $0 == UInt8(ascii: ".")
                || (syntax == .withHyphen && $0 == UInt8(ascii: "-"))
        }
    }

    /// The archive extensions of the tarball scheme.
    static let tarballExtensions = [".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"]
}

/// The attribute checks every scheme shares.
struct AttrChecker {
    let attrs: Attrs
    let type: String
    let profile: CompatProfile

    /// Rejects attributes outside `allowed` (plus `type`, and `__final` in current).
    /// - Parameter nix28Message: 2.8's per-scheme message for an attribute name.
    func checkAllowed(_ allowed: Set<String>, nix28Message: (String) -> String) throws(FlakeRefError) {
        for name in attrs.keys where name != "type" && !allowed.contains(name) {
            if profile.attributeErrorWording == .current {
                if name == "__final" { continue }
                throw FlakeRefError(
                    .unsupportedAttribute, "input attribute '\(name)' not supported by scheme '\(type)'")
            }
            throw FlakeRefError(.unsupportedAttribute, nix28Message(name))
        }
    }

    func string(_ name: String) throws(FlakeRefError) -> String? {
        guard let v = attrs[name] else { return nil }
        guard let s = v.stringValue else {
            throw FlakeRefError(.invalidAttribute, "input attribute '\(name)' is not a string \(attrs)")
        }
        return s
    }

    func requiredString(_ name: String) throws(FlakeRefError) -> String {
        guard let s = try string(name) else {
            throw FlakeRefError(.missingAttribute, "input attribute '\(name)' is missing")
        }
        return s
    }

    func int(_ name: String) throws(FlakeRefError) -> UInt64? {
        guard let v = attrs[name] else { return nil }
        guard let n = v.intValue else {
            throw FlakeRefError(.invalidAttribute, "input attribute '\(name)' is not an integer")
        }
        return n
    }

    func bool(_ name: String) throws(FlakeRefError) -> Bool? {
        guard let v = attrs[name] else { return nil }
        guard let b = v.boolValue else {
            throw FlakeRefError(.invalidAttribute, "input attribute '\(name)' is not a Boolean")
        }
        return b
    }

    /// The attributes every input may have, decoded and checked (`fixupInput` in 2.8).
    func common() throws(FlakeRefError) -> CommonAttributes {
        var c = CommonAttributes()
        c.ref = try string("ref")
        if let r = try string("rev") {
            // Lockable tarballs carry whatever `rev` their Link URL names (Nix 2.31.5 records
            // `"rev": "1"` as given); elsewhere `rev` must be a commit hash.
            if type == "tarball" || type == "file" {
                c.rev = try? Revision(parsing: r)
            } else {
                c.rev = try Revision(parsing: r)
            }
        }
        c.revCount = try int("revCount")
        c.lastModified = try int("lastModified")
        if let h = try string("narHash") {
            do { c.narHash = try NixHash.parseNARHash(h) } catch {
                throw FlakeRefError(.invalidAttribute, error.description)
            }
        }
        return c
    }
}

/// The attributes Nix interprets for every input type (`Input::getRef`, `getRev`, …).
public struct CommonAttributes: Sendable, Hashable {
    public var ref: String?
    public var rev: Revision?
    public var revCount: UInt64?
    public var lastModified: UInt64?
    public var narHash: NixHash?
}

/// Path helpers (Nix's `canonPath`, `absPath`, `dirOf`, `baseNameOf`); pure string work.
public enum PathSyntax {
    /// Removes `.`, `..` and repeated slashes from an absolute path (`canonPath`).
    public static func canonicalize(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Canonicalises a path relative to some root: like ``canonicalize(_:)`` but without the
    /// leading `/` (`./a//b/../c` → `a/c`; `..` cannot climb above the root).
    public static func canonicalizeRelative(_ path: String) -> String {
        String(canonicalize("/" + path).dropFirst())
    }

    /// Makes `path` absolute relative to `base`, then canonicalises it.
    public static func absolute(_ path: String, base: String) -> String {
        canonicalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// The parent directory (`/` for top-level entries).
    public static func dirOf(_ path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return "." }
        return i == path.startIndex ? "/" : String(path[..<i])
    }

    /// The last component.
    public static func baseName(_ path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: i)...])
    }
}
