import Foundation
import Logging

/// Turns an ``Operation`` into requests: adds the key, sends through the transport with retries, logs with the key
/// redacted, and maps failures to ``CustomVisionClientError``. Shared by both clients.
struct RequestExecutor: Sendable {
    /// `{endpoint}/customvision/v3.x/{training|prediction}`, without a trailing slash.
    let baseURL: String
    /// The endpoint as messages name it: without a trailing slash or any `user:password@` part.
    let endpointName: String
    let keyHeader: String
    let key: String
    let configuration: ClientConfiguration
    let transport: any HTTPTransport
    let logger: Logger

    init(
        endpoint: URL, basePath: String, keyHeader: String, key: String, configuration: ClientConfiguration,
        transport: (any HTTPTransport)?, logger: Logger
    ) {
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base + basePath
        self.endpointName = Self.name(of: endpoint)
        self.keyHeader = keyHeader
        self.key = key
        self.configuration = configuration
        self.transport = transport ?? configuration.makeDefaultTransport()
        self.logger = logger
        if !configuration.verifyTLS, endpoint.scheme == "https" {
            logger.warning("TLS certificate verification is off for \(endpointName): the key goes to whoever answers")
        }
        if endpoint.sendsKeysInClearText {
            logger.warning("\(endpointName) is plain http to another machine: the key travels unencrypted; use https")
        }
    }

    // MARK: - Typed results

    /// Sends the operation and decodes its JSON body.
    func json<T: Decodable>(_ operation: Operation, as type: T.Type = T.self) async throws -> T {
        let (response, attempts) = try await send(operation)
        let failure = { (message: String, underlying: (any Error & Sendable)?) in
            CustomVisionClientError(
                kind: .invalidResponse, operationID: operation.id, status: response.status, message: message,
                requestID: Self.requestID(response.headers), attempts: attempts, underlyingError: underlying)
        }
        guard !response.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            throw failure("HTTP \(response.status) with an empty body; expected a JSON \(T.self)", nil)
        }
        do {
            return try CustomVisionJSON.decode(T.self, from: response.body)
        } catch let error as DecodingError {
            throw failure("the response body is not a valid JSON \(T.self): \(Self.summary(of: error))", error)
        }
    }

    /// Sends the operation and ignores any body (202/204 answers).
    func void(_ operation: Operation) async throws {
        _ = try await send(operation)
    }

    /// Sends the operation and returns the raw body (or the file it was streamed to).
    func raw(_ operation: Operation) async throws -> TransportResponse {
        try await send(operation).response
    }

    /// A JSON request body.
    static func jsonBody(_ value: some Encodable) throws -> TransportBody {
        .bytes(try CustomVisionJSON.makeEncoder().encode(value), contentType: "application/json")
    }

    // MARK: - Sending with retries

    func send(_ operation: Operation) async throws -> (response: TransportResponse, attempts: Int) {
        try await send(makeRequest(operation), operation: operation)
    }

    /// Sends `request` (built from `operation`, possibly adjusted) until it succeeds or the policy gives up.
    func send(
        _ request: TransportRequest, operation: Operation
    ) async throws -> (response: TransportResponse, attempts: Int) {
        // A line break in the key would let it forge headers; say so without showing the key.
        guard !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw CustomVisionClientError(
                kind: .invalidRequest, operationID: operation.id,
                message: "the \(keyHeader) contains control characters", attempts: 0)
        }
        let policy = configuration.retryPolicy
        let stopwatch = Stopwatch(configuration.clock)
        var attempt = 0
        var unopened = 0  // attempts whose connection could not be opened
        while true {
            attempt += 1
            try Task.checkCancellation()
            let failure: CustomVisionClientError
            let delay: Duration?
            logRequest(request, operation: operation, attempt: attempt)
            let started = Stopwatch(ContinuousClock())
            do {
                let response = try await transport.send(request)
                logResponse(response, operation: operation, elapsed: started.elapsed())
                if (200..<300).contains(response.status) { return (response, attempt) }
                failure = serviceError(operation, response, attempts: attempt)
                delay = retryDelay(status: response.status, headers: response.headers, operation, attempt, policy)
            } catch let cancellation as CancellationError {
                throw cancellation
            } catch {
                let wrapped = transportError(operation, error, attempts: attempt)
                logger.debug("\(operation.id) failed: \(wrapped.message)")
                failure = wrapped
                if (error as? CurlError)?.requestNotSent == true { unopened += 1 }
                delay = unopened >= policy.maxConnectAttempts
                    ? nil : retryDelay(transport: error, operation, attempt, policy)
            }
            guard let delay, attempt < policy.maxAttempts, stopwatch.elapsed() + delay <= policy.maxTotalTime else {
                throw failure
            }
            logger.info(
                "\(operation.id): retrying after \(failure.status.map { "HTTP \($0)" } ?? failure.message)",
                metadata: ["attempt": "\(attempt)", "delay": "\(delay)"])
            try await configuration.clock.sleep(for: delay)
        }
    }

    func makeRequest(_ operation: Operation) -> TransportRequest {
        var text = baseURL + operation.path
        let query = operation.query.encoded
        if !query.isEmpty { text += "?" + query }
        guard let url = URL(string: text) else {
            preconditionFailure("operation \(operation.id) built an invalid URL")  // every part is percent-encoded
        }
        var headers = TransportHeaders()
        headers.add(keyHeader, key)
        headers.add("Accept", "application/json")
        return TransportRequest(
            method: operation.method, url: url, headers: headers, body: operation.body,
            downloadDestination: operation.downloadDestination, timeout: configuration.requestTimeout)
    }

    private func retryDelay(
        status: Int, headers: TransportHeaders, _ operation: Operation, _ attempt: Int, _ policy: RetryPolicy
    ) -> Duration? {
        switch status {
        case 429, 503:
            // The service refused the request without acting on it: safe to repeat for any operation.
            guard let requested = RetryAfter.delay(in: headers) else { return policy.backoff(afterAttempt: attempt) }
            return requested <= policy.maxRetryAfter ? requested : nil
        case 408, 500...599:
            return operation.safety == .idempotent ? policy.backoff(afterAttempt: attempt) : nil
        default:
            return nil
        }
    }

    private func retryDelay(
        transport error: any Error, _ operation: Operation, _ attempt: Int, _ policy: RetryPolicy
    ) -> Duration? {
        guard let curl = error as? CurlError else { return nil }
        if curl.requestNotSent || (curl.isTransient && operation.safety == .idempotent) {
            return policy.backoff(afterAttempt: attempt)
        }
        return nil
    }

    // MARK: - Errors

    func serviceError(_ operation: Operation, _ response: TransportResponse, attempts: Int) -> CustomVisionClientError {
        let decoder = CustomVisionJSON.makeDecoder()
        struct Wrapped: Decodable { var error: CustomVisionError }
        let body =
            (try? decoder.decode(CustomVisionError.self, from: response.body))
            ?? (try? decoder.decode(Wrapped.self, from: response.body))?.error
        let message: String
        if let body {
            message = body.message
        } else if response.body.isEmpty {
            message = "HTTP \(response.status) with an empty body"
        } else {
            let text = String(decoding: response.body.prefix(300), as: UTF8.self)
                .replacingOccurrences(of: "\n", with: " ")
            message = "HTTP \(response.status) with a body that is not a service error: \(text)"
        }
        return CustomVisionClientError(
            kind: .service, operationID: operation.id, status: response.status, code: body?.code,
            message: redact(message), requestID: Self.requestID(response.headers), attempts: attempts)
    }

    private func transportError(_ operation: Operation, _ error: any Error, attempts: Int) -> CustomVisionClientError {
        if let curl = error as? CurlError {
            let timedOut = curl.code == .operationTimedOut
            // A connection that never opened is most often a wrong endpoint: say which one was tried.
            let place = curl.requestNotSent ? "cannot connect to \(endpointName): " : ""
            return CustomVisionClientError(
                kind: timedOut ? .timeout : .transport, operationID: operation.id,
                message: redact(place + (curl.detail ?? curl.message)), curlCode: curl.code.rawValue,
                curlMessage: curl.message, attempts: attempts, underlyingError: curl)
        }
        return CustomVisionClientError(
            kind: .transport, operationID: operation.id, message: redact(String(describing: error)),
            attempts: attempts, underlyingError: error)
    }

    /// `endpoint` without a trailing slash or any `user:password@` part, for messages.
    static func name(of endpoint: URL) -> String {
        var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)
        components?.user = nil
        components?.password = nil
        var name = components?.string ?? endpoint.host ?? "the endpoint"
        while name.hasSuffix("/") { name.removeLast() }
        return name
    }

    static func requestID(_ headers: TransportHeaders) -> String? {
        headers["apim-request-id"] ?? headers["x-ms-request-id"] ?? headers["x-request-id"]
    }

    static func summary(of error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case .dataCorrupted(let context):
            return context.debugDescription + path(context)
        case .keyNotFound(let key, let context):
            return "missing field \"\(key.stringValue)\"" + path(context)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "expected \(type)" + path(context) + ": " + context.debugDescription
        @unknown default:
            return String(describing: error)
        }
    }

    /// Replaces the key wherever it appears, and the other secrets a URL can carry (see ``SecretMasking``).
    func redact(_ text: String) -> String {
        SecretMasking.mask(key.isEmpty ? text : text.replacingOccurrences(of: key, with: "***"))
    }

    // MARK: - Logging (never the key)

    private func logRequest(_ request: TransportRequest, operation: Operation, attempt: Int) {
        guard logger.logLevel <= .debug else { return }
        let headers = request.headers.map { field in
            let secret = field.name.caseInsensitiveCompare(keyHeader) == .orderedSame
                || SecretMasking.secretHeaders.contains(field.name.lowercased())
            return "\(field.name): \(secret ? "***" : field.value)"
        }
        logger.debug(
            "→ \(request.method) \(redact(request.url.absoluteString))",
            metadata: [
                "operation": "\(operation.id)", "attempt": "\(attempt)",
                "headers": "\(headers.joined(separator: ", "))",
                "body": "\(request.body.map { "\($0.payloadSize) bytes" } ?? "none")",
            ])
    }

    private func logResponse(_ response: TransportResponse, operation: Operation, elapsed: Duration) {
        guard logger.logLevel <= .debug else { return }
        logger.debug(
            "← HTTP \(response.status) \(operation.id)",
            metadata: [
                "elapsed": "\(elapsed)", "requestID": "\(Self.requestID(response.headers) ?? "-")",
                "bytes": "\(response.bodyFile == nil ? response.body.count : -1)",
            ])
        if logger.logLevel <= .trace, response.bodyFile == nil {
            logger.trace("body: \(redact(String(decoding: response.body.prefix(2000), as: UTF8.self)))")
        }
    }
}

/// Printing, dumping or mirroring an executor shows where it sends requests, never its key.
extension RequestExecutor: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "RequestExecutor(\(SecretMasking.mask(baseURL)), \(keyHeader): ***)" }
    var debugDescription: String { description }
    var customMirror: Mirror {
        Mirror(self, children: ["baseURL": SecretMasking.mask(baseURL), "keyHeader": keyHeader, "key": "***"])
    }
}
