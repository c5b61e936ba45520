import FlakeModel

/// The checks that look at one node at a time: age, lockedness, mutable sources, Nixpkgs
/// provenance and release branches.
struct PinChecks {
    /// The current time, seconds since the epoch (injected, never read from the clock here).
    let now: Int64
    /// `--max-age` in days; nil disables the `stale` check.
    let maxAgeDays: Int?

    /// All findings about `pin`, in ``AuditCheck`` order.
    func findings(_ pin: LockInventory.Pin) -> [AuditFinding] {
        var out: [AuditFinding] = []
        func add(_ check: AuditCheck, _ message: String, _ details: [String: String] = [:]) {
            out.append(AuditFinding(check: check, node: pin.key, path: pin.path, message: message, details: details))
        }
        // The repository, not the whole locked URL (the pin list and the JSON have that).
        let name = "input '\(pin.path)' (\(pin.repository?.display ?? pin.url))"
        let attrs = pin.locked.input.attrs

        if let maxAgeDays, let age = pin.ageDays(now: now), age > Int64(maxAgeDays) {
            add(
                .stale, "\(name) was last modified \(age) days ago (\(pin.date ?? "?")), more than \(maxAgeDays)",
                ["ageDays": String(age), "maxAgeDays": String(maxAgeDays)])
        }
        // A relative `path:` input is part of the flake's own tree, locked with it (current
        // Nix exempts it from the lockedness check); it is reported as a path input only.
        let isRelativePath: Bool =
            if case .path(let p) = pin.locked.input.spec { !p.path.hasPrefix("/") } else { false }
        if attrs["rev"] == nil && attrs["narHash"] == nil && !isRelativePath {
            add(.unlocked, "\(name) has neither a rev nor a narHash")
        }
        if let dirty = attrs.string("dirtyRev") {
            add(.dirty, "\(name) was locked from a dirty Git tree (\(dirty))", ["dirtyRev": dirty])
        } else if case .git = pin.locked.input.spec, attrs["rev"] == nil {
            add(.dirty, "\(name) is a Git input without a rev (an uncommitted work tree)")
        } else if case .hg = pin.locked.input.spec, attrs["rev"] == nil {
            add(.dirty, "\(name) is a Mercurial input without a rev (an uncommitted working directory)")
        }
        if case .tarball(let t) = pin.locked.input.spec, !Self.isImmutableTarball(t.url, attrs: attrs) {
            add(
                .mutableURL, "\(name) is a plain download URL, not an immutable link; its content can change",
                ["url": t.url])
        }
        if case .path(let p) = pin.locked.input.spec, !isRelativePath {
            add(.pathInput, "\(name) is a local path; it is only reproducible on this machine", ["path": p.path])
        }
        if let repo = pin.repository, repo.name == "nixpkgs", repo.forge != nil || repo.key.hasPrefix("git:"),
            !repo.isUpstreamNixpkgs
        {
            add(
                .nonUpstreamNixpkgs, "\(name) comes from \(repo.display), not github:NixOS/nixpkgs",
                ["repository": repo.display])
        }
        if let repo = pin.repository, repo.isNixpkgs, let branch = NixpkgsReleases.branch(of: pin.original),
            let status = NixpkgsReleases.status(ofBranch: branch, today: Timestamp.date(now)), status.isPastEndOfLife
        {
            let when = status.endOfLife.map { "on \($0)" } ?? "before \(NixpkgsReleases.endOfLife[0].date)"
            add(
                .eolBranch,
                "\(name) tracks the branch '\(branch)'; NixOS \(status.release) reached its end of life \(when)",
                ["branch": branch, "release": status.release, "endOfLife": status.endOfLife ?? ""])
        }
        return out
    }

    /// A tarball is immutable when the lockable-tarball protocol gave it a `rev`, or when
    /// its URL names a commit (a 40-hex path component, as in `…/archive/<rev>.tar.gz`).
    static func isImmutableTarball(_ url: String, attrs: Attrs) -> Bool {
        if attrs["rev"] != nil { return true }
        return url.split(separator: "/").contains { component in
            let stem = component.split(separator: ".").first.map(String.init) ?? ""
            return Revision.isRevisionSyntax(stem)
        }
    }
}
