internal import CLibCurl
import Fetchers
import FlakeLockBasics
import Foundation

/// HTTP PUT through libcurl, for writing entries to a shared fact cache. Uses the same CA,
/// proxies, timeouts and User-Agent as ``CurlHTTPTransport``; http and https only, no
/// redirects, no retries (a failed write only costs the next reader a fetch).
public struct CurlUploader: HTTPUploader {
    let configuration: HTTPConfiguration
    private let userAgent: String

    public init(configuration: HTTPConfiguration) {
        self.configuration = configuration
        self.userAgent = configuration.userAgent
    }

    public func put(_ url: String, body: [UInt8], headers: [HTTPHeader]) async throws -> Int {
        try NativeTransport.ensureCurl()
        let (configuration, userAgent) = (configuration, userAgent)
        return try await runCancellable(on: configuration.executor) { _ in
            let handle = try CurlEasyHandle()
            try handle.setConnectionOptions(url: url, configuration: configuration, userAgent: userAgent)
            try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try handle.set(CURLOPT_CUSTOMREQUEST, "PUT")
            try handle.set(CURLOPT_TIMEOUT, 120)
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
                    let detail =
                        handle.errorBuffer[0] != 0
                        ? String(cString: handle.errorBuffer) : String(cString: curl_easy_strerror(code))
                    throw HTTPTransportError.transfer(url: url, code: Int(code.rawValue), message: detail)
                }
                return handle.infoLong(CURLINFO_RESPONSE_CODE)
            }
        }
    }
}

private let discardCallback: flk_curl_write_cb = { _, size, count, _ in size * count }
