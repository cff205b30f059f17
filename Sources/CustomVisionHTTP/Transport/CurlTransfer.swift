import CCurl
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One request in flight on a ``CurlEventLoop``.
///
/// `cancel()` and the continuation hand-off may come from any thread; everything else runs on the loop thread.
final class CurlTransfer: @unchecked Sendable {
    /// curl's upload buffer for a large body (its default is 64 KB): 512 KB moves a 1.4 MB upload request in three
    /// socket writes instead of 22, and costs 448 KB more per handle in use.
    static let uploadBufferSize = 512 << 10

    private let request: TransportRequest
    /// The body curl reads through the read callback (`.bytes` and `.generated`); nil for none or multipart.
    private let body: GeneratedBody?
    private let configuration: CurlTransport.Configuration
    private let state = Locked(Shared())

    private struct Shared {
        var cancelled = false
        var continuation: CheckedContinuation<TransportResponse, any Error>?
    }

    // Loop-thread state.
    private var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var mime: OpaquePointer?
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    private var responseHeaders = TransportHeaders()
    private var responseBody = Data()
    private var bodyOffset = 0
    private var file: Int32 = -1
    private var partialPath: String?
    private var decidedDestination = false
    private var fileError: (any Error)?

    init(request: TransportRequest, configuration: CurlTransport.Configuration) {
        self.request = request
        self.body = request.body?.readable
        self.configuration = configuration
    }

    deinit {
        if let headerList { cv_curl_slist_free_all(headerList) }
        if let mime { cv_curl_mime_free(mime) }
        closeFile(keep: false)
    }

    var continuation: CheckedContinuation<TransportResponse, any Error>? {
        get { state.withLock { $0.continuation } }
        set { state.withLock { $0.continuation = newValue } }
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func cancel() { state.withLock { $0.cancelled = true } }

    func finish(_ result: Result<TransportResponse, any Error>) {
        let continuation = state.withLock { s -> CheckedContinuation<TransportResponse, any Error>? in
            defer { s.continuation = nil }
            return s.continuation
        }
        continuation?.resume(with: result)
    }

    // MARK: - Setup

    func configure(_ easy: UnsafeMutableRawPointer) throws {
        self.easy = easy
        let context = Unmanaged.passUnretained(self).toOpaque()
        func check(_ code: CURLcode) throws {
            guard code == CURLE_OK else { throw CurlError(code) }
        }
        try check(cv_easy_setopt_string(easy, CURLOPT_URL, request.url.absoluteString))
        try check(cv_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        try check(cv_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        try check(cv_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout)))
        try check(cv_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds(request.timeout ?? configuration.timeout)))
        try check(cv_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        try check(cv_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, configuration.verifyTLS ? 1 : 0))
        try check(cv_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, configuration.verifyTLS ? 2 : 0))
        if let caBundlePath = configuration.caBundlePath {
            try check(cv_easy_setopt_string(easy, CURLOPT_CAINFO, caBundlePath))
        }
        if let proxy = configuration.proxy { try check(cv_easy_setopt_string(easy, CURLOPT_PROXY, proxy)) }
        try check(cv_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))
        try check(cv_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent))
        try errorBuffer.withUnsafeMutableBufferPointer {
            try check(cv_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, $0.baseAddress))
        }
        try check(cv_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback))
        try check(cv_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        try check(cv_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
        try check(cv_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        try check(cv_easy_setopt_long(easy, CURLOPT_NOPROGRESS, 0))
        try check(cv_easy_setopt_xferinfo(easy, curlProgressCallback))
        try check(cv_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, context))
        try configureMethodAndBody(easy, check: check)

        // No `Expect: 100-continue` round trip before uploads.
        var lines = ["Expect:"]
        switch request.body {
        case .bytes(_, let contentType), .generated(_, let contentType): lines.append("Content-Type: \(contentType)")
        default: break
        }
        for field in request.headers where field.name.lowercased() != "content-type" || request.body == nil {
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        for line in lines { headerList = cv_curl_slist_append(headerList, line) }
        try check(cv_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))
    }

    private func configureMethodAndBody(_ easy: UnsafeMutableRawPointer, check: (CURLcode) throws -> Void) throws {
        let method = request.method
        switch request.body {
        case .none:
            switch method {
            case .get: try check(cv_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
            case .head: try check(cv_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
            case .post, .put, .patch:
                // An empty body with `Content-Length: 0`, as the service expects on body-less POSTs.
                try check(cv_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0))
                try check(cv_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, ""))
            default: break
            }
        case .bytes, .generated:
            // curl reads the body from `request` through the read callback (and rewinds it through the seek
            // callback when it must resend on a fresh connection) instead of keeping its own copy: a 64-image
            // upload body is 1–12 MB, and several are in flight.
            let context = Unmanaged.passUnretained(self).toOpaque()
            try check(cv_easy_setopt_long(easy, CURLOPT_POST, 1))
            try check(cv_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body?.count ?? 0)))
            try check(cv_easy_setopt_data_callback(easy, CURLOPT_READFUNCTION, curlReadCallback))
            try check(cv_easy_setopt_pointer(easy, CURLOPT_READDATA, context))
            try check(cv_easy_setopt_seek_callback(easy, curlSeekCallback))
            try check(cv_easy_setopt_pointer(easy, CURLOPT_SEEKDATA, context))
            if let count = body?.count, count > 256 << 10 {
                try check(cv_easy_setopt_long(easy, CURLOPT_UPLOAD_BUFFERSIZE, Self.uploadBufferSize))
            }
        case .multipart(let parts):
            guard let mime = cv_curl_mime_init(easy) else { throw CurlError(CURLE_OUT_OF_MEMORY) }
            self.mime = mime
            for part in parts {
                guard let handle = cv_curl_mime_addpart(mime) else { throw CurlError(CURLE_OUT_OF_MEMORY) }
                try check(cv_curl_mime_name(handle, part.name))
                if !part.data.isEmpty {  // an empty part needs no data call
                    try part.data.withUnsafeBytes { buffer in
                        try check(
                            cv_curl_mime_data(
                                handle, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.count))
                    }
                }
                if let filename = part.filename { try check(cv_curl_mime_filename(handle, filename)) }
                if let type = part.contentType { try check(cv_curl_mime_type(handle, type)) }
            }
            try check(cv_easy_setopt_mime(easy, mime))
        }
        if ![TransportMethod.get, .head, .post].contains(method) {
            try check(cv_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method.rawValue))
        }
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    // MARK: - Callbacks (loop thread)

    fileprivate func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        let line = Self.trimmed(bytes[...])
        if line.starts(with: "HTTP/".utf8) {
            responseHeaders = TransportHeaders()  // a new response (after 100 Continue): forget the previous one
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = Self.trimmed(line[..<colon]), value = Self.trimmed(line[(colon + 1)...])
            responseHeaders.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        }
        return bytes.count
    }

    /// `bytes` without the spaces, tabs, CRs and LFs (HTTP's optional whitespace and line ends) at either end.
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return bytes[bytes.startIndex..<bytes.startIndex] }
        return bytes[first...last]
    }

    /// Copies the next part of the request body into curl's buffer; 0 at the end.
    fileprivate func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let body else { return 0 }
        let count = body.read(at: bodyOffset, into: buffer)
        bodyOffset += count
        return count
    }

    /// Moves the body's read position (curl rewinds to 0 before resending a request on a new connection).
    fileprivate func seekBody(to offset: Int, whence: Int32) -> Int32 {
        guard let body, whence == SEEK_SET, (0...body.count).contains(offset) else {
            return Int32(CURL_SEEKFUNC_CANTSEEK)
        }
        bodyOffset = offset
        return Int32(CURL_SEEKFUNC_OK)
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if !decidedDestination {
            decidedDestination = true
            if let destination = request.downloadDestination, (200..<300).contains(responseStatus()) {
                openFile(for: destination)
                if fileError != nil { return 0 }
            }
        }
        guard file >= 0 else {
            responseBody.append(contentsOf: bytes)
            return bytes.count
        }
        var offset = 0
        while offset < bytes.count {
            let written = write(file, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                fileError = CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partialPath ?? ""])
                return 0
            }
            offset += written
        }
        return bytes.count
    }

    fileprivate var shouldAbort: Bool { isCancelled }

    private func responseStatus() -> Int {
        guard let easy else { return 0 }
        var status = 0
        _ = cv_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    // MARK: - Completion (loop thread)

    func complete(code: CURLcode) {
        guard code == CURLE_OK else {
            closeFile(keep: false)
            if isCancelled {
                finish(.failure(CancellationError()))
            } else if let fileError {
                finish(.failure(fileError))
            } else {
                let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                finish(.failure(CurlError(code, detail: detail)))
            }
            return
        }
        let status = responseStatus()
        var response = TransportResponse(status: status, headers: responseHeaders, body: responseBody)
        if let destination = request.downloadDestination, (200..<300).contains(status) {
            if !decidedDestination { openFile(for: destination) }  // an empty body still makes a file
            if let fileError {
                closeFile(keep: false)
                finish(.failure(fileError))
                return
            }
            closeFile(keep: true)
            response.bodyFile = destination
        }
        finish(.success(response))
    }

    private func openFile(for destination: URL) {
        let path = destination.path + ".partial-\(UUID().uuidString.prefix(8))"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            fileError = CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: destination.path])
            return
        }
        file = fd
        partialPath = path
    }

    /// Closes the download file; keeps it (renamed into place) only after a complete 2xx response.
    private func closeFile(keep: Bool) {
        guard file >= 0, let partialPath else { return }
        close(file)
        file = -1
        if keep, let destination = request.downloadDestination {
            if rename(partialPath, destination.path) != 0 {
                fileError = CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path])
                unlink(partialPath)
            }
        } else {
            unlink(partialPath)
        }
        self.partialPath = nil
    }
}

private func transfer(_ pointer: UnsafeMutableRawPointer?) -> CurlTransfer {
    Unmanaged<CurlTransfer>.fromOpaque(pointer!).takeUnretainedValue()
}

private let curlWriteCallback: cv_data_callback = { data, size, count, context in
    transfer(context).receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let curlReadCallback: cv_data_callback = { buffer, size, count, context in
    transfer(context).sendBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

private let curlSeekCallback: cv_seek_callback = { context, offset, whence in
    transfer(context).seekBody(to: Int(offset), whence: whence)
}

private let curlHeaderCallback: cv_data_callback = { data, size, count, context in
    transfer(context).receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let curlProgressCallback: cv_xferinfo_callback = { context, _, _, _, _ in
    transfer(context).shouldAbort ? 1 : 0
}
