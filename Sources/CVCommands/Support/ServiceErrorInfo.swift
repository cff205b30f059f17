import CustomVisionHTTP
import Foundation

/// What `cvctl` needs from an error the HTTP layer threw: its HTTP status (nil for transport errors) and a message.
public struct ServiceErrorInfo: Sendable, Hashable {
    /// The HTTP status, or `nil` when no response came back.
    public var status: Int?
    /// The service's error code, when its answer had one.
    public var code: CustomVisionErrorCode?
    /// A one-line message without keys.
    public var message: String
    /// No connection could be opened (refused, host not resolved): the client has already retried briefly.
    public var isConnectionFailure: Bool

    /// Recognizes errors of the HTTP layer; `nil` for anything else.
    public init?(_ error: any Error) {
        guard let error = error as? CustomVisionClientError else { return nil }
        self.status = error.status
        self.code = error.code
        self.message = error.description
        self.isConnectionFailure = error.isConnectionFailure
        if error.kind == .invalidRequest { self.status = 400 }
        if isConnectionFailure { message += "; " + Self.setting(of: error.operationID) }
    }

    /// Where the endpoint an operation calls is set: the Prediction API's classify and detect operations use the
    /// prediction endpoint, everything else the training endpoint.
    static func setting(of operationID: String) -> String {
        let area = operationID.hasPrefix("Classify") || operationID.hasPrefix("Detect") ? "prediction" : "training"
        return "check the \(area) endpoint (--\(area)-endpoint, VISION_\(area.uppercased())_ENDPOINT "
            + "or the profile's \(area)-endpoint)"
    }

    /// 2 for 4xx, 3 for 5xx or no response.
    public var exitCode: Int32 {
        guard let status else { return ExitStatus.transport }
        return (400..<500).contains(status) ? ExitStatus.api : ExitStatus.transport
    }

    /// Whether retrying the call again may succeed: a response lost or timed out, 408, 429 or 5xx. Not a connection
    /// that could not be opened: the client gave it its brief retries, and more would only delay the error.
    public var isRetryable: Bool {
        guard let status else { return !isConnectionFailure }
        return status == 408 || status == 429 || status >= 500
    }

    /// Whether every call of the run would get the same answer, whatever its image: a key the service refuses
    /// (401, 403), or a project or published iteration it does not have (404 `NotFoundProject`, `NotFoundIteration`).
    public var refusesTheRun: Bool {
        guard let status else { return false }
        return status == 401 || status == 403
            || (status == 404 && (code == .notFoundProject || code == .notFoundIteration))
    }

    /// `isRetryable`, or a connection that could not be opened, for calls to a service that has already answered
    /// this run: then a refused connection is a server restarting or the network dropping out, not a wrong
    /// endpoint, and backing off rides it out (an upload's batches).
    public var isRetryableOnceConnected: Bool { isRetryable || isConnectionFailure }
}
