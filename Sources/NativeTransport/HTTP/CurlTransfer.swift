internal import CLibCurl
import Fetchers
import FlakeLockBasics
import Foundation

/// State shared with libcurl's callbacks during one transfer (one thread).
private final class TransferContext {
    let sink: any HTTPBodySink
    let flag: CancellationFlag
    let isFile: Bool
    var status = 0
    var reason = ""
    var headers: [HTTPHeaderField] = []
    var errorBody: [UInt8] = []
    var delivered: UInt64 = 0
    var sinkError: (any Error)?
    /// Called once the connection is ready (TCP and TLS handshakes, proxy tunnel), before
    /// the request is sent (libcurl's `CURLOPT_PREREQFUNCTION`).
    var onConnectionReady: (() -> Void)?
    /// Called with the HTTP version of each response line ("2", "1.1"): HTTP/2's first line
    /// says at once that the connection carries concurrent streams.
    var onAnswer: ((String) -> Void)?
    /// The transfer on the multi loop that queues this one's body bytes.
    var transfer: MultiTransfer?

    init(sink: any HTTPBodySink, flag: CancellationFlag, isFile: Bool) {
        self.sink = sink
        self.flag = flag
        self.isFile = isFile
    }

    var deliversBody: Bool { isFile || (200..<300).contains(status) }

    func headerLine(_ raw: UnsafeRawBufferPointer) {
        var bytes = raw[...]
        while let last = bytes.last, last == 0x0a || last == 0x0d { bytes = bytes.dropLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new response (redirect hop, 100 Continue): start over.
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            if line.hasPrefix("HTTP/2") { onAnswer?("2") }
            reason = parts.count > 2 ? String(parts[2]) : ""
            headers = []
        } else if let colon = line.firstIndex(of: ":") {
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append(HTTPHeaderField(name: String(line[..<colon]), value: String(value)))
        }
    }

    /// Loop thread: a body chunk. Success bodies go to the caller's queue (false: it is
    /// full, pause the transfer); an error page's first 4 KiB are kept for the message.
    func body(_ raw: UnsafeRawBufferPointer) -> Bool {
        if deliversBody { return transfer?.offer(raw) ?? false }
        if errorBody.count < 4096 { errorBody.append(contentsOf: raw.prefix(4096 - errorBody.count)) }
        return true
    }

    /// Caller's thread: hands a queued chunk to the sink; false when the sink failed.
    func deliver(_ chunk: [UInt8]) -> Bool {
        do {
            try chunk.withUnsafeBytes { try sink.receive($0) }
            delivered += UInt64(chunk.count)
            return true
        } catch {
            sinkError = error
            return false
        }
    }
}

private let writeCallback: flk_curl_write_cb = { data, size, count, userdata in
    let n = size * count
    guard let userdata else { return 0 }
    let ctx = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return ctx.body(UnsafeRawBufferPointer(start: data, count: n)) ? n : flk_curl_writefunc_pause()
}

private let headerCallback: flk_curl_write_cb = { data, size, count, userdata in
    let n = size * count
    guard let userdata else { return 0 }
    let ctx = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    ctx.headerLine(UnsafeRawBufferPointer(start: data, count: n))
    return n
}

private let prereqCallback: flk_curl_prereq_cb = { userdata, _, _, _, _ in
    if let userdata {
        let ctx = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
        ctx.onConnectionReady?()
    }
    return 0  // CURL_PREREQFUNC_OK
}

private let progressCallback: flk_curl_xferinfo_cb = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    let ctx = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return ctx.flag.isCancelled ? 1 : 0
}

/// One blocking exchange with libcurl (no redirect following, no retries), run on the
/// transport's multi loop while the calling thread feeds the sink.
struct CurlTransfer {
    let pool: CurlHandlePool
    let loop: CurlMultiLoop
    let url: String
    /// The URL as the caller wrote it, used in messages.
    let displayURL: String
    let headers: [HTTPHeader]
    let ifNoneMatch: String?
    let sink: any HTTPBodySink
    let configuration: HTTPConfiguration
    let userAgent: String
    let flag: CancellationFlag
    /// Told when this transfer opened a connection and its handshakes completed.
    var onNewConnection: (@Sendable () -> Void)? = nil
    /// Wait for a connection being opened to the same origin to say whether it multiplexes
    /// (`CURLOPT_PIPEWAIT`) instead of opening one at once.
    var waitForMultiplexing = false
    /// Told the HTTP version of the response ("2" as soon as its first line arrives).
    var onAnswer: (@Sendable (String) -> Void)? = nil
    /// Receives the exchange's connection and timing figures.
    var log: HTTPExchangeLog? = nil

    func perform() throws -> TransferResult {
        let handle = try pool.take()
        defer { pool.give(handle) }
        let isFile = url.lowercased().hasPrefix("file://")
        let ctx = TransferContext(sink: sink, flag: flag, isFile: isFile)
        if let onNewConnection {
            ctx.onConnectionReady = { if handle.infoLong(CURLINFO_NUM_CONNECTS) > 0 { onNewConnection() } }
        }
        ctx.onAnswer = onAnswer
        let transfer = MultiTransfer(handle: handle, budget: loop.budget)
        ctx.transfer = transfer
        defer {
            if !isFile {
                let e = exchange(handle)
                onAnswer?(e.httpVersion)
                log?.append(e)
            }
        }
        let code: CURLcode = try withExtendedLifetime(ctx) {
            let opaque = Unmanaged.passUnretained(ctx).toOpaque()
            try configure(handle, isFile: isFile)
            handle.withHandle { h in
                _ = flk_curl_easy_setopt_write_cb(h, CURLOPT_WRITEFUNCTION, writeCallback)
                _ = flk_curl_easy_setopt_ptr(h, CURLOPT_WRITEDATA, opaque)
                _ = flk_curl_easy_setopt_write_cb(h, CURLOPT_HEADERFUNCTION, headerCallback)
                _ = flk_curl_easy_setopt_ptr(h, CURLOPT_HEADERDATA, opaque)
                _ = flk_curl_easy_setopt_long(h, CURLOPT_NOPROGRESS, 0)
                _ = flk_curl_easy_setopt_xferinfo_cb(h, progressCallback)
                _ = flk_curl_easy_setopt_ptr(h, CURLOPT_XFERINFODATA, opaque)
                _ = flk_curl_easy_setopt_prereq_cb(h, prereqCallback)
                _ = flk_curl_easy_setopt_ptr(h, CURLOPT_PREREQDATA, opaque)
                _ = flk_curl_easy_setopt_errorbuffer(h, handle.errorBuffer)
            }
            return transfer.run(on: loop, flag: flag, deliver: ctx.deliver)
        }
        return classify(code, handle: handle, ctx: ctx)
    }

    /// libcurl's figures for the exchange just performed.
    private func exchange(_ handle: CurlEasyHandle) -> HTTPExchangeLog.Exchange {
        func seconds(_ info: CURLINFO) -> Double { Double(handle.infoOff(info)) / 1_000_000 }
        let version: String =
            switch handle.infoLong(CURLINFO_HTTP_VERSION) {
            case CURL_HTTP_VERSION_1_0: "1.0"
            case CURL_HTTP_VERSION_1_1: "1.1"
            case CURL_HTTP_VERSION_2_0: "2"
            case CURL_HTTP_VERSION_3: "3"
            default: ""
            }
        let ip = handle.infoString(CURLINFO_PRIMARY_IP) ?? ""
        let port = handle.infoLong(CURLINFO_PRIMARY_PORT)
        let isNew = handle.infoLong(CURLINFO_NUM_CONNECTS) > 0
        return HTTPExchangeLog.Exchange(
            peer: ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)", newConnection: isNew,
            httpVersion: version,
            connectSeconds: isNew ? max(seconds(CURLINFO_APPCONNECT_TIME_T), seconds(CURLINFO_CONNECT_TIME_T)) : 0,
            firstByteSeconds: seconds(CURLINFO_STARTTRANSFER_TIME_T), totalSeconds: seconds(CURLINFO_TOTAL_TIME_T))
    }

    private func configure(_ handle: CurlEasyHandle, isFile: Bool) throws {
        try handle.setConnectionOptions(url: url, configuration: configuration, userAgent: userAgent)
        try handle.set(CURLOPT_HTTPGET, 1)
        if waitForMultiplexing { try handle.set(CURLOPT_PIPEWAIT, 1) }
        try handle.set(
            CURLOPT_HTTP_VERSION,
            configuration.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1)
        try handle.set(CURLOPT_PROTOCOLS_STR, HTTPSchemePolicy.curlProtocols(forRequestURL: url))
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, HTTPSchemePolicy.curlRedirectProtocols)
        if configuration.stallTimeout > 0 {
            try handle.set(CURLOPT_LOW_SPEED_LIMIT, 1)
            try handle.set(CURLOPT_LOW_SPEED_TIME, configuration.stallTimeout)
        }
        var lines = headers.map { "\($0.name): \($0.value)" }
        if let ifNoneMatch { lines.append("If-None-Match: \(ifNoneMatch)") }
        try handle.setHeaders(lines)
    }

    private func classify(_ code: CURLcode, handle: CurlEasyHandle, ctx: TransferContext) -> TransferResult {
        let delivered = ctx.delivered > 0
        func fail(_ e: any Error, retryable: Bool, wait: Duration? = nil) -> TransferResult {
            .failure(TransferFailure(error: e, retryable: retryable, wait: wait, bodyDelivered: delivered))
        }
        if ctx.flag.isCancelled { return fail(HTTPTransportError.cancelled(url: displayURL), retryable: false) }
        if let e = ctx.sinkError { return fail(e, retryable: false) }
        if code != CURLE_OK {
            let detail =
                handle.errorBuffer[0] != 0
                ? String(cString: handle.errorBuffer) : String(cString: curl_easy_strerror(code))
            let scrubbed = scrub(detail)
            switch code {
            case CURLE_PARTIAL_FILE:
                let expected = handle.infoOff(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T)
                return fail(
                    HTTPTransportError.truncated(
                        url: displayURL, received: ctx.delivered, expected: expected > 0 ? UInt64(expected) : nil),
                    retryable: true)
            case CURLE_OPERATION_TIMEDOUT:
                return fail(HTTPTransportError.timedOut(url: displayURL, message: scrubbed), retryable: true)
            default:
                let permanent: Set<UInt32> = [
                    CURLE_UNSUPPORTED_PROTOCOL.rawValue, CURLE_URL_MALFORMAT.rawValue, CURLE_NOT_BUILT_IN.rawValue,
                    CURLE_REMOTE_ACCESS_DENIED.rawValue, CURLE_FILE_COULDNT_READ_FILE.rawValue,
                    CURLE_FUNCTION_NOT_FOUND.rawValue, CURLE_ABORTED_BY_CALLBACK.rawValue,
                    CURLE_BAD_FUNCTION_ARGUMENT.rawValue, CURLE_INTERFACE_FAILED.rawValue,
                    CURLE_UNKNOWN_OPTION.rawValue,
                    CURLE_SSL_CACERT_BADFILE.rawValue, CURLE_TOO_MANY_REDIRECTS.rawValue, CURLE_WRITE_ERROR.rawValue,
                ]
                return fail(
                    HTTPTransportError.transfer(url: displayURL, code: Int(code.rawValue), message: scrubbed),
                    retryable: !permanent.contains(code.rawValue))
            }
        }
        let status = ctx.isFile ? 200 : handle.infoLong(CURLINFO_RESPONSE_CODE)
        let effective = handle.infoString(CURLINFO_EFFECTIVE_URL) ?? url
        let response = HTTPResponse(status: status, headers: ctx.headers, effectiveURL: effective)
        switch status {
        case 200..<300, 304:
            return .response(response)
        case 301, 302, 303, 307, 308:
            if let location = handle.infoString(CURLINFO_REDIRECT_URL) { return .redirect(location) }
            return fail(httpError(status, ctx), retryable: false)
        case 429, 403:
            return rateLimit(status, response, ctx, fail: fail)
        case 408, 500..<600:
            return fail(httpError(status, ctx), retryable: true)
        default:
            return fail(httpError(status, ctx), retryable: false)
        }
    }

    private func httpError(_ status: Int, _ ctx: TransferContext) -> HTTPTransportError {
        .httpStatus(
            url: displayURL, status: status, reason: ctx.reason,
            body: scrub(String(decoding: ctx.errorBody, as: UTF8.self)))
    }

    /// 429 and GitHub-style 403 rate limits (``RateLimitAnswer``): a bounded wait, else an
    /// error naming the limit; any other 403 is a plain HTTP error.
    private func rateLimit(
        _ status: Int, _ response: HTTPResponse, _ ctx: TransferContext,
        fail: (any Error, Bool, Duration?) -> TransferResult
    ) -> TransferResult {
        guard let answer = RateLimitAnswer(response, body: String(decoding: ctx.errorBody, as: UTF8.self)) else {
            return fail(httpError(status, ctx), false, nil)
        }
        let wait = answer.wait()
        if status == 403 && wait == nil { return fail(answer.error(url: displayURL), false, nil) }
        // A wait beyond the configured bound fails at once (the retry loop checks it).
        return fail(answer.error(url: displayURL), true, wait)
    }

    /// Removes sensitive header values from text that might echo them.
    private func scrub(_ text: String) -> String {
        var t = text
        for h in headers where h.isSensitive && !h.value.isEmpty {
            t = t.replacingOccurrences(of: h.value, with: "<redacted>")
        }
        return t
    }
}
