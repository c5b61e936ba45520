import FlakeLockBasics

/// The refs a Git server advertises over smart HTTP (`GET …/info/refs?service=git-upload-pack`,
/// protocol v0/v1), as `git ls-remote` shows them: HEAD and its symbolic target, branches,
/// tags with annotated tags peeled (`refs/tags/X^{}`).
///
/// Used to resolve GitHub refs without the REST API (whose unauthenticated quota is 60
/// requests an hour, NixOS/nix#5409). The wire format is Git's pkt-line framing
/// (`Documentation/gitprotocol-http.txt`, `gitprotocol-pack.txt`): each line is four hex
/// digits of length (including those four) and the payload; `0000` is a flush. The first ref
/// line carries the capabilities after a NUL, among them `symref=HEAD:refs/heads/main`.
public struct GitRefAdvertisement: Sendable, Equatable {
    /// Ref name → the object it points at, in advertised order (`HEAD` included).
    public var refs: [String: GitObjectID]
    /// Peeled annotated tags: `refs/tags/X` → the commit (from the `refs/tags/X^{}` lines).
    public var peeled: [String: GitObjectID]
    /// What HEAD points at (`refs/heads/main`), when the server says.
    public var headTarget: String?

    public init(refs: [String: GitObjectID] = [:], peeled: [String: GitObjectID] = [:], headTarget: String? = nil) {
        self.refs = refs
        self.peeled = peeled
        self.headTarget = headTarget
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        public var description: String {
            switch self {
            case .malformed(let why): "malformed Git ref advertisement: \(why)"
            }
        }
    }

    /// Parses the body of an `info/refs?service=git-upload-pack` answer.
    public static func parse(_ body: [UInt8]) throws(ParseError) -> GitRefAdvertisement {
        var out = GitRefAdvertisement()
        var i = 0
        var sawRef = false
        while i < body.count {
            guard i + 4 <= body.count, let length = Int(String(decoding: body[i..<i + 4], as: UTF8.self), radix: 16)
            else { throw .malformed("bad pkt-line length at byte \(i)") }
            if length == 0 {  // flush
                i += 4
                continue
            }
            guard length >= 4, i + length <= body.count else {
                throw .malformed("pkt-line overruns the body at byte \(i)")
            }
            var payload = Array(body[i + 4..<i + length])
            i += length
            if payload.last == 0x0A { payload.removeLast() }
            if payload.first == UInt8(ascii: "#") { continue }  // "# service=git-upload-pack"
            try out.addRefLine(payload, first: !sawRef)
            sawRef = true
        }
        return out
    }

    private mutating func addRefLine(_ line: [UInt8], first: Bool) throws(ParseError) {
        var text = line
        var capabilities: [UInt8] = []
        if let nul = line.firstIndex(of: 0) {
            text = Array(line[..<nul])
            capabilities = Array(line[(nul + 1)...])
        }
        guard text.count > 41, text[40] == UInt8(ascii: " "),
            let id = GitObjectID(String(decoding: text[..<40], as: UTF8.self))
        else { throw .malformed("bad ref line '\(String(decoding: text.prefix(80), as: UTF8.self))'") }
        let name = String(decoding: text[41...], as: UTF8.self)
        if first {
            for cap in String(decoding: capabilities, as: UTF8.self).split(separator: " ")
            where cap.hasPrefix("symref=HEAD:") {
                headTarget = String(cap.dropFirst("symref=HEAD:".count))
            }
        }
        if name == "capabilities^{}" { return }  // an empty repository
        if name.hasSuffix("^{}") {
            peeled[String(name.dropLast(3))] = id
        } else {
            refs[name] = id
        }
    }

    /// The commit `ref` names, as `git ls-remote` would find it and GitHub's commits API
    /// resolves a branch or tag: `HEAD` is the HEAD line (or its symref target); otherwise
    /// the ref as given when it is a full name (`refs/…`), then `refs/heads/REF`, then
    /// `refs/tags/REF`, an annotated tag peeled to its commit.
    public func commit(for ref: String) -> GitObjectID? {
        if ref == "HEAD" {
            return refs["HEAD"] ?? headTarget.flatMap { refs[$0] }
        }
        for name in [ref, "refs/heads/\(ref)", "refs/tags/\(ref)"] where name.hasPrefix("refs/") {
            if let id = peeled[name] ?? refs[name] { return id }
        }
        return nil
    }
}
