internal import CLibCurl
import FlakeLockBasics
import Foundation

/// Owns one libcurl easy handle (`CURL *`).
///
/// Not Sendable: a handle is used by one thread at a time. ``CurlHandlePool`` hands idle
/// handles between threads under its lock; the handle keeps its connection cache, so
/// requests to the same host reuse connections and TLS sessions.
final class CurlEasyHandle {
    private let pointer: UnsafeMutableRawPointer
    /// Header list and error buffer that libcurl borrows until the next reset.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init() throws {
        guard let p = curl_easy_init() else { throw NativeTransportError.initialization("curl_easy_init failed") }
        pointer = p
    }

    deinit {
        curl_easy_cleanup(pointer)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// Access to the raw handle, valid only inside `body`.
    func withHandle<T>(_ body: (UnsafeMutableRawPointer) throws -> T) rethrows -> T {
        try body(pointer)
    }

    /// Restores default options (keeps connections), frees the previous header list.
    func reset() {
        curl_easy_reset(pointer)
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        errorBuffer[0] = 0
    }

    /// Sets the request headers; the list stays alive until the next ``reset()``.
    func setHeaders(_ lines: [String]) throws {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for l in lines {
            guard let n = curl_slist_append(list, l) else {
                if let list { curl_slist_free_all(list) }
                throw NativeTransportError.initialization("curl_slist_append failed")
            }
            list = n
        }
        if let headerList { curl_slist_free_all(headerList) }
        headerList = list
        try check(flk_curl_easy_setopt_slist(pointer, CURLOPT_HTTPHEADER, list), "CURLOPT_HTTPHEADER")
    }

    /// Uses the share handle's caches (every ``reset()`` detaches it).
    func attach(_ share: UnsafeMutablePointer<flk_curl_share>) throws {
        try check(flk_curl_easy_set_share(pointer, share), "CURLOPT_SHARE")
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(flk_curl_easy_setopt_long(pointer, option, value), "option \(option.rawValue)")
    }

    /// String options are copied by libcurl.
    func set(_ option: CURLoption, _ value: String) throws {
        try check(flk_curl_easy_setopt_string(pointer, option, value), "option \(option.rawValue)")
    }

    func setPointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) throws {
        try check(flk_curl_easy_setopt_ptr(pointer, option, value), "option \(option.rawValue)")
    }

    func infoLong(_ info: CURLINFO) -> Int {
        var v = 0
        _ = flk_curl_easy_getinfo_long(pointer, info, &v)
        return v
    }

    func infoString(_ info: CURLINFO) -> String? {
        var p: UnsafeMutablePointer<CChar>? = nil
        guard flk_curl_easy_getinfo_string(pointer, info, &p) == CURLE_OK, let p else { return nil }
        return String(cString: p)
    }

    func infoOff(_ info: CURLINFO) -> Int64 {
        var v: curl_off_t = 0
        _ = flk_curl_easy_getinfo_off(pointer, info, &v)
        return Int64(v)
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            throw NativeTransportError.initialization("setting \(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}

extension HTTPConfiguration {
    /// `curl/<version> <product>`, as Nix sends `curl/<ver> Nix/<ver>`.
    var userAgent: String { "curl/\(NativeTransport.curlVersion) \(userAgentProduct)" }
}

extension CurlEasyHandle {
    /// The options every request of ours sets, whatever its method: the URL, no redirect
    /// following by libcurl (we follow them ourselves), no signals, the User-Agent, the
    /// connect timeout, the CA file, `netrc-file` and the proxy for `url`.
    func setConnectionOptions(url: String, configuration: HTTPConfiguration, userAgent: String) throws {
        try set(CURLOPT_URL, url)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_USERAGENT, userAgent)
        if configuration.connectTimeout > 0 { try set(CURLOPT_CONNECTTIMEOUT, configuration.connectTimeout) }
        if let ca = configuration.caFile { try set(CURLOPT_CAINFO, ca) }
        if let netrc = configuration.netrcFile {
            // Nix's `netrc-file`: credentials for the host being contacted, if listed.
            try set(CURLOPT_NETRC, Int(CURL_NETRC_OPTIONAL.rawValue))
            try set(CURLOPT_NETRC_FILE, netrc)
        }
        // Explicit proxy choice: "" disables libcurl's own reading of the environment.
        try set(CURLOPT_PROXY, configuration.proxy.proxy(for: url) ?? "")
    }
}

/// Idle easy handles, reused across requests, and the share handle they all use.
///
/// The share handle (`CURLSH`) holds one DNS cache and one TLS session cache for the whole
/// transport: a new connection to a known host resumes its TLS session. Connections are
/// kept by the transport's multi handle (``CurlMultiLoop``), which runs every transfer.
final class CurlHandlePool: @unchecked Sendable {
    // @unchecked: `idle` and `shared` are guarded by `lock`; a handle is owned by one thread
    // between `take` and `give`; libcurl locks the share handle's data itself.
    private let lock = NSLock()
    private var idle: [CurlEasyHandle] = []
    private let maxIdle: Int
    private var shared: UnsafeMutablePointer<flk_curl_share>?

    init(maxIdle: Int = 8) { self.maxIdle = maxIdle }

    deinit {
        idle.removeAll()
        flk_curl_share_free(shared)
    }

    /// A reset handle attached to the share handle (created on first use, after
    /// `curl_global_init`).
    func take() throws -> CurlEasyHandle {
        let (reused, share): (CurlEasyHandle?, UnsafeMutablePointer<flk_curl_share>?) = lock.withLock {
            if shared == nil { shared = flk_curl_share_new(0) }
            return (idle.popLast(), shared)
        }
        guard let share else { throw NativeTransportError.initialization("curl_share_init failed") }
        let h = try reused ?? CurlEasyHandle()
        if reused != nil { h.reset() }
        try h.attach(share)
        return h
    }

    func give(_ h: CurlEasyHandle) {
        lock.withLock {
            if idle.count < maxIdle { idle.append(h) }
        }
    }
}
