/// ANSI escape sequences Nix uses in its output (docs/nix-behaviour.md, "Output conventions").
public enum ANSI {
    public static let bold = "\u{1B}[1m"
    public static let normal = "\u{1B}[0m"
    public static let green = "\u{1B}[32;1m"
    public static let red = "\u{1B}[31;1m"
}

/// Calendar formatting of Unix timestamps without Foundation or the process's time zone.
public enum Timestamp {
    /// `YYYY-MM-DD` of `seconds + utcOffset`.
    public static func date(_ seconds: Int64, utcOffset: Int64 = 0) -> String {
        let (y, m, d, _, _, _) = components(seconds + utcOffset)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `YYYY-MM-DD HH:MM:SS` of `seconds + utcOffset` (`%F %T`).
    public static func dateTime(_ seconds: Int64, utcOffset: Int64 = 0) -> String {
        let (y, m, d, hh, mm, ss) = components(seconds + utcOffset)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2))"
    }

    static func pad(_ n: Int64, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Proleptic Gregorian calendar (Howard Hinnant's days-to-civil).
    static func components(_ t: Int64) -> (Int64, Int64, Int64, Int64, Int64, Int64) {
        var days = t / 86_400
        var secs = t % 86_400
        if secs < 0 {
            secs += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

extension LockFile {
    /// Every edge by input path: a depth-first walk in sorted order that enters each node
    /// object only once (docs/nix-behaviour.md, "Diff text", step 1).
    public func flattened() -> [(path: InputPath, edge: LockEdge)] {
        var done: Set<ObjectIdentifier> = []
        var result: [(InputPath, LockEdge)] = []
        func walk(_ node: LockNode, _ prefix: InputPath) {
            guard done.insert(ObjectIdentifier(node)).inserted else { return }
            for (name, edge) in node.sortedInputs {
                let p = prefix.appending(name)
                result.append((p, edge))
                if case .node(let child) = edge { walk(child, p) }
            }
        }
        walk(root, [])
        return result.sorted { $0.0 < $1.0 }
    }

    /// The text Nix prints for the changes from `old` to `new` (docs/nix-behaviour.md, "Diff
    /// text"), one `• Added/Removed/Updated input` block per changed input path, ending in a
    /// newline (empty when nothing changed).
    ///
    /// - Parameters:
    ///   - ansi: include Nix's escape codes (they appear on a terminal; Nix strips them from
    ///     stderr otherwise, and always from commit messages).
    /// - Throws: ``FlakeRefError`` if a locked input cannot be rendered.
    public static func diff(from old: LockFile, to new: LockFile, profile: CompatProfile, ansi: Bool = false)
        throws(FlakeRefError) -> String
    {
        let (g, r, b, n) = ansi ? (ANSI.green, ANSI.red, ANSI.bold, ANSI.normal) : ("", "", "", "")
        let oldFlat = old.flattened()
        let newFlat = new.flattened()
        var i = 0
        var j = 0
        var out = ""
        while i < oldFlat.count || j < newFlat.count {
            if j < newFlat.count && (i == oldFlat.count || newFlat[j].path < oldFlat[i].path) {
                out += "• \(g)Added input '\(newFlat[j].path)':\(n)\n    \(try describe(newFlat[j].edge, profile))\n"
                j += 1
            } else if i < oldFlat.count && (j == newFlat.count || oldFlat[i].path < newFlat[j].path) {
                out += "• \(r)Removed input '\(oldFlat[i].path)'\(n)\n"
                i += 1
            } else {
                if !edgesEqual(oldFlat[i].edge, newFlat[j].edge) {
                    out += "• \(b)Updated input '\(oldFlat[i].path)':\(n)\n"
                    out += "    \(try describe(oldFlat[i].edge, profile))\n"
                    out += "  → \(try describe(newFlat[j].edge, profile))\n"
                }
                i += 1
                j += 1
            }
        }
        return out
    }

    static func edgesEqual(_ a: LockEdge, _ b: LockEdge) -> Bool {
        switch (a, b) {
        case (.node(let x), .node(let y)): x.lock?.locked == y.lock?.locked
        case (.follows(let x), .follows(let y)): x == y
        default: false
        }
    }

    static func describe(_ edge: LockEdge, _ profile: CompatProfile) throws(FlakeRefError) -> String {
        switch edge {
        case .follows(let p):
            return "follows '\(p)'"
        case .node(let node):
            guard let locked = node.lock?.locked else { return "''" }
            let url =
                profile.diffAbbreviatesURLs
                ? try locked.toAbbreviatedURLString(profile: profile) : try locked.toURLString(profile: profile)
            var s = "'\(url)'"
            if let lm = locked.input.common.lastModified { s += " (\(Timestamp.date(Int64(clamping: lm))))" }
            return s
        }
    }
}
