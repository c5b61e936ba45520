import FlakeLockBasics
import FlakeModel
import Foundation
import NixCompat

/// `tarball` and `file` inputs (docs/nix-behaviour.md, "Fetcher: tarball and file"): downloaded
/// over http(s) (or read from `file://`) and hashed while streaming; revalidated with the ETag
/// of the last download; the lockable-tarball `Link: <…>; rel="immutable"` header where the
/// profile honours it.
struct TarballFetcher: Sendable {
    let settings: FetchSettings
    let transports: Transports
    let cache: FetchCache

    var profile: CompatProfile { settings.profile }

    struct Downloaded {
        var narHash: NixHash
        var maxMtime: Int64
        var topMtime: Int64?
        var files: [String: [UInt8]]
        var immutableURL: String?
    }

    func fetch(_ input: Input, _ spec: TarballInput, capture: [String]) async throws -> FetchedSource {
        let isFile = spec.kind == .file
        let d = try await download(spec.url, isFile: isFile, capture: capture)
        var attrs = input.attrs
        if let link = d.immutableURL, profile.honoursImmutableLinkHeader {
            // The input becomes the immutable URL's, parsed like any tarball URL; the original
            // stays in `original` (the locker keeps it).
            let linked: Input
            do {
                linked = try Input.fromURL(
                    try ParsedURL.parse(link, profile: profile), isFlake: !isFile, profile: profile)
            } catch {
                throw FetchError.linkToNonTarball(url: link)
            }
            guard case .tarball = linked.spec else { throw FetchError.linkToNonTarball(url: link) }
            attrs = linked.attrs
            if let given = input.attrs["name"] { attrs["name"] = given }
        }
        if !isFile, attrs["lastModified"] == nil, let mode = profile.tarballRecordsLastModified {
            let t = mode == .topDirectory ? (d.topMtime ?? d.maxMtime) : d.maxMtime
            if t > 0 { attrs["lastModified"] = .int(UInt64(t)) }
        }
        attrs["narHash"] = .string(d.narHash.sri)
        let locked = try Input.fromAttrs(attrs, profile: profile)
        try SchemeChecks.checkNarHash(
            given: input, got: d.narHash, lockedInput: locked, profile: profile, storeDirectory: settings.storeDirectory
        )
        return FetchedSource(
            locked: locked, narHash: d.narHash, files: d.files, localPath: nil,
            storePath: StorePath.fixedOutputSource(
                narHash: d.narHash, name: spec.name ?? "source", storeDirectory: settings.storeDirectory))
    }

    func download(_ url: String, isFile: Bool, capture: [String]) async throws -> Downloaded {
        let options = ArchiveOptions(
            topLevel: SchemeChecks.archiveTopLevel(profile), captureFiles: capture, sourceDescription: url)
        let mode: DownloadHashMode = isFile ? .file : .archive(options)
        if !isFile, profile.rejectsRelativeFileTarballs, url.hasPrefix("file:"), !url.hasPrefix("file:/") {
            throw FetchError.relativeFileTarball(url: url)
        }
        if url.hasPrefix("file://") {
            var path = String(url.dropFirst("file://".count))
            if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
            path = path.removingPercentEncoding ?? path
            if isFile {
                let r = try await TreeHasher.hashPath(path)
                return Downloaded(narHash: r.narHash, maxMtime: 0, topMtime: nil, files: [:], immutableURL: nil)
            }
            let a = try await transports.archives.hashArchive(atPath: path, options: options)
            return Downloaded(
                narHash: a.narHash, maxMtime: a.maxMtime, topMtime: a.topLevelMtime, files: a.capturedFiles,
                immutableURL: nil)
        }

        let key = "tarball-url:\(isFile ? "file" : "\(options.topLevel)"):\(url)"
        let cached = await cache.lookup(key)
        if settings.offline {
            guard let cached, cached.covers(capture) else { throw FetchError.offline(what: "'\(url)'") }
            return Self.downloaded(cached)
        }
        var request = HTTPRequest(url: url)
        if let cached, cached.covers(capture), let etag = cached.facts["etag"] { request.ifNoneMatch = etag }
        let result = try await transports.archives.download(request, mode: mode)
        let link = profile.honoursImmutableLinkHeader ? Self.immutableLink(result.response) : nil
        // The immutable URL becomes the locked input: like a redirect, it may name only
        // http(s), never a local file the next fetch would read.
        if let link, let scheme = URLParts(link)?.scheme, scheme != "http", scheme != "https" {
            throw HTTPTransportError.unsupportedProtocol(url: url, redirectedTo: link)
        }
        let d: Downloaded
        switch result.content {
        case .notModified:
            guard let cached else { throw FetchError.unexpectedResponse("'\(url)' answered 304 without a cached copy") }
            return Self.downloaded(cached)
        case .archive(let a):
            d = Downloaded(
                narHash: a.narHash, maxMtime: a.maxMtime, topMtime: a.topLevelMtime, files: a.capturedFiles,
                immutableURL: link)
        case .file(let narHash, _, _):
            d = Downloaded(narHash: narHash, maxMtime: 0, topMtime: nil, files: [:], immutableURL: link)
        }
        var facts = ["maxMtime": String(d.maxMtime)]
        if let t = d.topMtime { facts["topMtime"] = String(t) }
        if let e = result.response.etag { facts["etag"] = e }
        if let link { facts["immutableURL"] = link }
        await cache.store(
            key, FetchCache.Entry(narHash: d.narHash, facts: facts, files: d.files, capturedPaths: Set(capture)))
        return d
    }

    static func downloaded(_ e: FetchCache.Entry) -> Downloaded {
        Downloaded(
            narHash: e.narHash, maxMtime: e.facts["maxMtime"].flatMap { Int64($0) } ?? 0,
            topMtime: e.facts["topMtime"].flatMap { Int64($0) }, files: e.files, immutableURL: e.facts["immutableURL"])
    }

    /// The URL of a `Link: <URL>; rel="immutable"` header (the whole value must match,
    /// case-insensitively), or of `x-amz-meta-link`.
    static func immutableLink(_ response: HTTPResponse) -> String? {
        for name in ["Link", "x-amz-meta-link"] {
            guard let value = response.header(name)?.trimmingCharacters(in: .whitespacesAndNewlines) else { continue }
            guard value.hasPrefix("<"), let close = value.firstIndex(of: ">") else { continue }
            let rest = value[value.index(after: close)...].lowercased().replacingOccurrences(of: " ", with: "")
            if rest == ";rel=\"immutable\"" { return String(value[value.index(after: value.startIndex)..<close]) }
        }
        return nil
    }
}
