import CCurl
import Foundation

/// The libcurl transport.
///
/// All transfers of one transport run on a single dedicated thread that drives a curl multi handle, so blocking
/// curl calls never occupy Swift's cooperative pool and every transfer shares the multi handle's connection and
/// DNS caches (keep-alive reuse; HTTP/2 multiplexing when a TLS server offers it). Each call suspends on a
/// continuation until its transfer completes. Cancelling the calling task aborts the transfer at once (the thread
/// is woken with `curl_multi_wakeup`, and the transfer's progress callback refuses to continue).
///
/// TLS peer and host verification are on unless ``Configuration/verifyTLS`` is turned off explicitly.
/// curl's proxy environment variables (`https_proxy`, `http_proxy`, `no_proxy`, `all_proxy`) are honoured.
/// Redirects are never followed, so a key header cannot be forwarded to another host.
public final class CurlTransport: HTTPTransport {
    /// Connection settings.
    public struct Configuration: Sendable {
        /// The time allowed to establish a connection (TCP + TLS).
        public var connectTimeout: Duration = .seconds(15)
        /// The default time allowed for a whole attempt, used when the request does not set its own.
        public var timeout: Duration = .seconds(300)
        /// Verify the server's TLS certificate and host name. Turn off only for self-signed test servers.
        public var verifyTLS: Bool = true
        /// A CA bundle to verify against instead of the system's.
        public var caBundlePath: String?
        /// An explicit proxy URL (`http://host:port`). `nil` leaves curl's default: the `https_proxy`,
        /// `http_proxy`, `all_proxy` and `no_proxy` environment variables.
        public var proxy: String?
        /// Most connections kept open to one host.
        public var maxConnectionsPerHost: Int = 8
        /// The `User-Agent` header.
        public var userAgent: String = "swift-custom-vision (libcurl)"

        /// The defaults: 15 s to connect, 300 s per attempt, TLS verified.
        public init() {}
    }

    /// The configuration in force.
    public let configuration: Configuration
    let loop: CurlEventLoop

    /// Creates a transport and its thread.
    /// - Parameter configuration: timeouts and TLS settings.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.loop = CurlEventLoop(maxConnectionsPerHost: configuration.maxConnectionsPerHost)
    }

    deinit { loop.shutdown() }

    /// Starts loading libcurl on a thread of its own and returns at once. libcurl is loaded when first needed (with
    /// its TLS, Kerberos and LDAP libraries: about 3.6 ms); a program that knows it will make requests calls this
    /// as it starts, so that the loading overlaps its own start instead of delaying its first request. A program
    /// that calls it should call ``finishPreload()`` before it exits.
    public static func preload() { cv_curl_preload() }

    /// Waits for a ``preload()`` under way to end: a process should not exit while libcurl's libraries are being
    /// set up on another thread. Returns at once when there was none.
    public static func finishPreload() { cv_curl_settle() }

    /// Performs one request on the transport's thread.
    /// - Throws: ``CurlError`` when no complete response arrived, `CancellationError` when the task was cancelled,
    ///   or a file error when the download destination cannot be written.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        try Task.checkCancellation()
        let transfer = CurlTransfer(request: request, configuration: configuration)
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                loop.submit(transfer)
            }
        } onCancel: {
            transfer.cancel()
            loop.wakeUp()
        }
    }
}
