import FlakeLockBasics
import Fetchers
import Foundation
internal import CLibCurl

/// HTTP PUT through libcurl, for writing entries to a shared fact cache. Uses the same CA,
/// proxies, timeouts and User-Agent as ``CurlHTTPTransport``; http and https only, no
/// redirects, no retries (a failed write only costs the next reader a fetch).
public struct CurlUploader: HTTPUploader {
    let configuration: HTTPConfiguration
    private let userAgent: String

    public init(configuration: HTTPConfiguration) {
        self.configuration = configuration
        self.userAgent = "curl/\(NativeTransport.curlVersion) \(configuration.userAgentProduct)"
    }

    public func put(_ url: String, body: [UInt8], headers: [HTTPHeader]) async throws -> Int {
        try NativeTransport.ensureCurl()
        let (configuration, userAgent) = (configuration, userAgent)
        return try await runCancellable(on: configuration.executor) { _ in
            let handle = try CurlEasyHandle()
            try handle.set(CURLOPT_URL, url)
            try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try handle.set(CURLOPT_FOLLOWLOCATION, 0)
            try handle.set(CURLOPT_NOSIGNAL, 1)
            try handle.set(CURLOPT_USERAGENT, userAgent)
            try handle.set(CURLOPT_CUSTOMREQUEST, "PUT")
            if configuration.connectTimeout > 0 { try handle.set(CURLOPT_CONNECTTIMEOUT, configuration.connectTimeout) }
            try handle.set(CURLOPT_TIMEOUT, 120)
            if let ca = configuration.caFile { try handle.set(CURLOPT_CAINFO, ca) }
            try handle.set(CURLOPT_PROXY, configuration.proxy.proxy(for: url) ?? "")
            if let netrc = configuration.netrcFile {
                try handle.set(CURLOPT_NETRC, Int(CURL_NETRC_OPTIONAL.rawValue))
                try handle.set(CURLOPT_NETRC_FILE, netrc)
            }
            try handle.setHeaders(headers.map { "\($0.name): \($0.value)" } + ["Expect:"])
            return try body.withUnsafeBytes { raw in
                try handle.setPointer(CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
                try handle.set(CURLOPT_POSTFIELDSIZE, raw.count)
                let code = handle.withHandle { h in
                    _ = flk_curl_easy_setopt_write_cb(h, CURLOPT_WRITEFUNCTION, discardCallback)
                    _ = flk_curl_easy_setopt_errorbuffer(h, handle.errorBuffer)
                    return curl_easy_perform(h)
                }
                guard code == CURLE_OK else {
                    let detail = handle.errorBuffer[0] != 0 ? String(cString: handle.errorBuffer) : String(cString: curl_easy_strerror(code))
                    throw HTTPTransportError.transfer(url: url, code: Int(code.rawValue), message: detail)
                }
                return handle.infoLong(CURLINFO_RESPONSE_CODE)
            }
        }
    }
}

private let discardCallback: flk_curl_write_cb = { _, size, count, _ in size * count }
