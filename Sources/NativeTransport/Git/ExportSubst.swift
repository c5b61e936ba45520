internal import CLibGit2
import Fetchers
import Foundation

/// `export-subst` expansion as `git archive` does it: every `$Format:<fmt>$` is replaced by
/// the commit formatted with `<fmt>` (git's pretty format).
///
/// Supported placeholders: `%H %h %T %t %P %p %an %ae %ad %at %ai %aI %cn %ce %cd %ct %ci %cI
/// %s %b %B %n %%`. `%h`/`%t`/`%p` use libgit2's shortest unique abbreviation of at least 7
/// digits; git 2.39 uses at least 7 too but grows the minimum with the object count (large
/// repositories give longer ids there). `%d`, `%D`, `%(describe)` and the rest throw
/// ``GitTransportError/unsupportedFormat(placeholder:path:)`` rather than guess.
struct ExportSubst {
    struct Signature {
        var name: String
        var email: String
        var time: Int64
        var offsetMinutes: Int
    }

    let commit: String
    let shortCommit: String
    let tree: String
    let shortTree: String
    let parents: [String]
    let shortParents: [String]
    let author: Signature
    let committer: Signature
    let message: String

    init(repo: GitRepositoryHandle, commit id: git_oid) throws {
        let c = try repo.lookup(id, GIT_OBJECT_COMMIT, "commit")
        func short(_ obj: OpaquePointer) throws -> String {
            var buf = git_buf()
            defer { git_buf_dispose(&buf) }
            try gitCheck(git_object_short_id(&buf, obj), "abbreviating an object id")
            return String(cString: buf.ptr)
        }
        func sig(_ s: UnsafePointer<git_signature>?) -> Signature {
            guard let s = s?.pointee else { return Signature(name: "", email: "", time: 0, offsetMinutes: 0) }
            return Signature(
                name: String(cString: s.name), email: String(cString: s.email), time: Int64(s.when.time),
                offsetMinutes: Int(s.when.offset))
        }
        var parentIDs: [git_oid] = []
        var treeID = git_oid()
        var a = Signature(name: "", email: "", time: 0, offsetMinutes: 0)
        var cm = a
        var msg = ""
        var shortC = ""
        try c.withHandle { h in
            treeID = GitOID.from(git_commit_tree_id(h))
            for i in 0..<git_commit_parentcount(h) { parentIDs.append(GitOID.from(git_commit_parent_id(h, i))) }
            a = sig(git_commit_author(h))
            cm = sig(git_commit_committer(h))
            msg = git_commit_message(h).map { String(cString: $0) } ?? ""
            shortC = try short(h)
        }
        let t = try repo.lookup(treeID, GIT_OBJECT_TREE, "tree")
        commit = GitOID.hex(id)
        shortCommit = shortC
        tree = GitOID.hex(treeID)
        shortTree = try t.withHandle { try short($0) }
        parents = parentIDs.map(GitOID.hex)
        shortParents = try parentIDs.map { p in
            try repo.lookup(p, GIT_OBJECT_COMMIT, "commit").withHandle { try short($0) }
        }
        author = a
        committer = cm
        message = msg
    }

    /// Expands every `$Format:…$` in `bytes`.
    func expand(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        let marker = Array("$Format:".utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let b = find(marker, in: bytes, from: i),
                let end = bytes[(b + marker.count)...].firstIndex(of: UInt8(ascii: "$"))
            else {
                break
            }
            out += bytes[i..<b]
            out += try format(String(decoding: bytes[(b + marker.count)..<end], as: UTF8.self), path: path).utf8
            i = end + 1
        }
        out += bytes[i...]
        return out
    }

    private func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    func format(_ fmt: String, path: String) throws -> String {
        var out = ""
        var it = Array(fmt.unicodeScalars)[...]
        while let c = it.popFirst() {
            guard c == "%" else {
                out.unicodeScalars.append(c)
                continue
            }
            guard let p = it.popFirst() else {
                out += "%"
                break
            }
            switch p {
            case "H": out += commit
            case "h": out += shortCommit
            case "T": out += tree
            case "t": out += shortTree
            case "P": out += parents.joined(separator: " ")
            case "p": out += shortParents.joined(separator: " ")
            case "n": out += "\n"
            case "%": out += "%"
            case "s": out += subject
            case "b": out += body
            case "B": out += message
            case "a", "c":
                guard let q = it.popFirst() else {
                    throw GitTransportError.unsupportedFormat(placeholder: "%\(p)", path: path)
                }
                let s = p == "a" ? author : committer
                switch q {
                case "n": out += s.name
                case "e": out += s.email
                case "t": out += String(s.time)
                case "d": out += Self.dateNormal(s)
                case "i": out += Self.dateISO(s, strict: false)
                case "I": out += Self.dateISO(s, strict: true)
                default: throw GitTransportError.unsupportedFormat(placeholder: "%\(p)\(q)", path: path)
                }
            default:
                throw GitTransportError.unsupportedFormat(placeholder: "%\(p)", path: path)
            }
        }
        return out
    }

    /// git's subject: the first paragraph, lines joined with spaces.
    private var subject: String {
        var lines: [Substring] = []
        for l in message.split(separator: "\n", omittingEmptySubsequences: false) {
            if l.trimmingCharacters(in: .whitespaces).isEmpty { if lines.isEmpty { continue } else { break } }
            lines.append(l)
        }
        return lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    private var body: String {
        let parts = message.split(separator: "\n", omittingEmptySubsequences: false)
        guard let blank = parts.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            return ""
        }
        let rest = parts[(blank + 1)...].drop { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        return rest.joined(separator: "\n")
    }

    private static func civil(_ t: Int64) -> (y: Int64, m: Int, d: Int, wd: Int, h: Int, mi: Int, s: Int) {
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let secs = Int(t - days * 86400)
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let wd = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
        return (y, m, d, wd, secs / 3600, secs % 3600 / 60, secs % 60)
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    private static func tz(_ minutes: Int, colon: Bool) -> String {
        let sign = minutes < 0 ? "-" : "+"
        let a = abs(minutes)
        return sign + two(a / 60) + (colon ? ":" : "") + two(a % 60)
    }

    /// `Wed Jan 1 00:00:00 2020 +0000` in the signature's own offset.
    static func dateNormal(_ s: Signature) -> String {
        let c = civil(s.time + Int64(s.offsetMinutes) * 60)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return
            "\(days[c.wd]) \(months[c.m - 1]) \(c.d) \(two(c.h)):\(two(c.mi)):\(two(c.s)) \(c.y) \(tz(s.offsetMinutes, colon: false))"
    }

    static func dateISO(_ s: Signature, strict: Bool) -> String {
        let c = civil(s.time + Int64(s.offsetMinutes) * 60)
        let date = "\(c.y)-\(two(c.m))-\(two(c.d))"
        let time = "\(two(c.h)):\(two(c.mi)):\(two(c.s))"
        return strict
            ? "\(date)T\(time)\(tz(s.offsetMinutes, colon: true))"
            : "\(date) \(time) \(tz(s.offsetMinutes, colon: false))"
    }
}
