import Foundation

/// Settings shared by ``TrainingClient`` and ``PredictionClient``.
public struct ClientConfiguration: Sendable {
    /// Retries of failed requests.
    public var retryPolicy: RetryPolicy
    /// The time allowed to open a connection (used by the default ``CurlTransport``).
    public var connectTimeout: Duration
    /// The time allowed for one attempt of one request, upload and download included.
    public var requestTimeout: Duration
    /// Verify TLS certificates (used by the default ``CurlTransport``). Turn off only for self-signed test servers.
    public var verifyTLS: Bool
    /// The clock retries and waiters sleep on; tests inject one that does not really sleep.
    public var clock: any Clock<Duration>

    /// Creates a configuration; the defaults suit the Azure service.
    public init(
        retryPolicy: RetryPolicy = .default, connectTimeout: Duration = .seconds(15),
        requestTimeout: Duration = .seconds(300), verifyTLS: Bool = true,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.retryPolicy = retryPolicy
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.verifyTLS = verifyTLS
        self.clock = clock
    }

    /// The transport a client builds when none is given.
    func makeDefaultTransport() -> CurlTransport {
        var transport = CurlTransport.Configuration()
        transport.connectTimeout = connectTimeout
        transport.timeout = requestTimeout
        transport.verifyTLS = verifyTLS
        return CurlTransport(configuration: transport)
    }
}
