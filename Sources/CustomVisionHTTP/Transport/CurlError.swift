import CCurl
import Foundation

/// A libcurl failure: no complete response arrived.
///
/// Carries curl's own code and text (`curl_easy_strerror`) and, when curl gave one, its detailed message.
/// Neither ever contains request headers, so keys cannot leak through it.
public struct CurlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A `CURLcode`, as an open set.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The numeric `CURLcode`.
        public var rawValue: Int
        /// Wraps a numeric `CURLcode`.
        public init(rawValue: Int) { self.rawValue = rawValue }
        public var description: String { String(rawValue) }

        /// `CURLE_COULDNT_RESOLVE_PROXY`
        public static let couldntResolveProxy = Self(rawValue: 5)
        /// `CURLE_COULDNT_RESOLVE_HOST`
        public static let couldntResolveHost = Self(rawValue: 6)
        /// `CURLE_COULDNT_CONNECT`
        public static let couldntConnect = Self(rawValue: 7)
        /// `CURLE_HTTP2`
        public static let http2 = Self(rawValue: 16)
        /// `CURLE_PARTIAL_FILE`: the connection closed before the whole body arrived.
        public static let partialFile = Self(rawValue: 18)
        /// `CURLE_WRITE_ERROR`: the body could not be stored.
        public static let writeError = Self(rawValue: 23)
        /// `CURLE_OPERATION_TIMEDOUT`
        public static let operationTimedOut = Self(rawValue: 28)
        /// `CURLE_SSL_CONNECT_ERROR`
        public static let sslConnectError = Self(rawValue: 35)
        /// `CURLE_ABORTED_BY_CALLBACK`
        public static let abortedByCallback = Self(rawValue: 42)
        /// `CURLE_GOT_NOTHING`: the server closed the connection without answering.
        public static let gotNothing = Self(rawValue: 52)
        /// `CURLE_SEND_ERROR`
        public static let sendError = Self(rawValue: 55)
        /// `CURLE_RECV_ERROR`
        public static let recvError = Self(rawValue: 56)
        /// `CURLE_PEER_FAILED_VERIFICATION`
        public static let peerFailedVerification = Self(rawValue: 60)
        /// `CURLE_HTTP2_STREAM`
        public static let http2Stream = Self(rawValue: 92)
    }

    /// The `CURLcode`.
    public var code: Code
    /// curl's text for the code (`curl_easy_strerror`).
    public var message: String
    /// curl's detailed message for this transfer (`CURLOPT_ERRORBUFFER`), when it wrote one.
    public var detail: String?

    /// Creates an error.
    public init(code: Code, message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    init(_ code: CURLcode, detail: String? = nil) {
        self.code = Code(rawValue: Int(code.rawValue))
        self.message = String(cString: cv_curl_easy_strerror(code))
        self.detail = detail.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when the request certainly never reached the server, so repeating it is harmless for any operation.
    public var requestNotSent: Bool {
        [.couldntResolveHost, .couldntResolveProxy, .couldntConnect, .sslConnectError].contains(code)
    }

    /// True when the failure is a transient network condition worth retrying (for idempotent operations).
    public var isTransient: Bool {
        requestNotSent
            || [.partialFile, .operationTimedOut, .gotNothing, .sendError, .recvError, .http2, .http2Stream]
                .contains(code)
    }

    public var description: String {
        "curl error \(code.rawValue): \(message)" + (detail.map { " (\($0))" } ?? "")
    }
}
