import Foundation

/// The one error the Custom Vision clients throw (besides `CancellationError` when the calling task is cancelled).
///
/// It names the operation (`operationID`, e.g. `CreateProject`) and carries whatever is known: the HTTP status,
/// the service's `code` and `message` from its `{"code","message"}` body, the request id the service assigned
/// (`apim-request-id` / `x-ms-request-id`), and for network failures curl's code and text.
/// Keys never appear in it: every text it carries has the client's key replaced by `***`.
public struct CustomVisionClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an open set.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case service, transport, timeout, invalidResponse, invalidRequest, waitTimeout }
        private let value: Value
        public var description: String { value.rawValue }

        /// The service answered with a non-2xx status.
        public static let service = Self(value: .service)
        /// No response arrived (connection refused or reset, DNS, TLS).
        public static let transport = Self(value: .transport)
        /// The attempt ran out of time.
        public static let timeout = Self(value: .timeout)
        /// A 2xx response whose body is not what the operation returns (empty, truncated, not JSON).
        public static let invalidResponse = Self(value: .invalidResponse)
        /// The arguments break a documented limit; nothing was sent.
        public static let invalidRequest = Self(value: .invalidRequest)
        /// A waiter gave up before the iteration or export finished.
        public static let waitTimeout = Self(value: .waitTimeout)
    }

    /// What went wrong.
    public var kind: Kind
    /// The operationId of the failed call (`GetIteration`, `ClassifyImage`, …).
    public var operationID: String
    /// The HTTP status, when a response arrived.
    public var status: Int?
    /// The service's error code, when its body had one.
    public var code: CustomVisionErrorCode?
    /// The service's message, or a description of the failure.
    public var message: String
    /// The request id header of the response (`apim-request-id`, else `x-ms-request-id`).
    public var requestID: String?
    /// The libcurl code, for transport failures and timeouts.
    public var curlCode: Int?
    /// libcurl's text for ``curlCode``.
    public var curlMessage: String?
    /// How many attempts were made.
    public var attempts: Int
    /// The error underneath (a `DecodingError`, a ``CurlError``, a file error), if any.
    public var underlyingError: (any Error & Sendable)?

    /// Creates an error.
    public init(
        kind: Kind, operationID: String, status: Int? = nil, code: CustomVisionErrorCode? = nil, message: String,
        requestID: String? = nil, curlCode: Int? = nil, curlMessage: String? = nil, attempts: Int = 1,
        underlyingError: (any Error & Sendable)? = nil
    ) {
        self.kind = kind
        self.operationID = operationID
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.curlCode = curlCode
        self.curlMessage = curlMessage
        self.attempts = attempts
        self.underlyingError = underlyingError
    }

    /// True for statuses 400–499: the request itself was wrong (a retry will not help).
    public var isClientError: Bool { status.map { (400..<500).contains($0) } ?? false }

    /// True when no connection could be opened (refused, host not resolved, TLS handshake failed): the request never
    /// reached the service, most often because the endpoint is wrong or the server is down. The client has already
    /// retried it as its ``RetryPolicy/maxConnectAttempts`` allows.
    public var isConnectionFailure: Bool { (underlyingError as? CurlError)?.requestNotSent == true }

    /// `OperationID failed: HTTP 404 NotFoundProject: message (request id …; curl 7: text; 3 attempts)`.
    public var description: String {
        var text = "\(operationID) failed: "
        if let status { text += "HTTP \(status) " }
        if let code { text += "\(code.rawValue): " }
        text += message
        var notes: [String] = []
        if let requestID { notes.append("request id \(requestID)") }
        if let curlCode { notes.append("curl \(curlCode): \(curlMessage ?? "")") }
        if attempts > 1 { notes.append("\(attempts) attempts") }
        if !notes.isEmpty { text += " (" + notes.joined(separator: "; ") + ")" }
        return text
    }
}

extension CustomVisionClientError: LocalizedError {
    public var errorDescription: String? { description }
}
