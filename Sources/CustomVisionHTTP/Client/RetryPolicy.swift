import Foundation

/// When and how long to wait before repeating a failed request.
///
/// - 429 and 503 are retried for every operation (the service did not act on the request) and honour
///   `Retry-After` (delta-seconds or an HTTP date) or `retry-after-ms`.
/// - Other 5xx statuses, dropped connections and timeouts are retried with exponential backoff and jitter,
///   but only for operations whose repetition is harmless: reads, deletes, updates, the image, region and tag
///   creations the service de-duplicates (`OKDuplicate`), and queries and predictions that store nothing; not
///   creating projects or tags, training, publishing, exporting, importing, or predictions that store their
///   result. A connection that could not be established at all (refused, host not resolved) is retried for every
///   operation, but only briefly: at most ``maxConnectAttempts`` such attempts, enough for a server that is
///   restarting, so a wrong endpoint fails within a second or two instead of after the whole backoff.
/// - ``maxAttempts`` and ``maxTotalTime`` bound the whole call; a `Retry-After` beyond the remaining time ends it.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (1 = never retry).
    public var maxAttempts: Int
    /// The longest a call may spend, sleeps included, before the last error is thrown.
    public var maxTotalTime: Duration
    /// The first backoff delay; attempt *n* waits `baseDelay × 2^(n-1)`, capped by ``maxDelay``.
    public var baseDelay: Duration
    /// The longest backoff delay.
    public var maxDelay: Duration
    /// The fraction of each backoff delay that is randomised (0 = none, 1 = "full jitter").
    public var jitter: Double
    /// The longest `Retry-After` the client will honour; a longer one ends the call with the error.
    public var maxRetryAfter: Duration
    /// Attempts in all whose connection could not be opened (refused, host or proxy not resolved, TLS handshake
    /// failed) before the call gives up (``maxAttempts`` still bounds the call). With the default backoff, the
    /// 3 attempts wait at most 0.5 s and 1 s in between.
    public var maxConnectAttempts: Int

    /// Creates a policy.
    public init(
        maxAttempts: Int = 5, maxTotalTime: Duration = .seconds(120), baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(20), jitter: Double = 0.5, maxRetryAfter: Duration = .seconds(60),
        maxConnectAttempts: Int = 3
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxTotalTime = maxTotalTime
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = min(1, max(0, jitter))
        self.maxRetryAfter = maxRetryAfter
        self.maxConnectAttempts = max(1, maxConnectAttempts)
    }

    /// Five attempts within two minutes, 0.5 s doubling to 20 s, half jitter; three when no connection opens.
    public static let `default` = RetryPolicy()
    /// A single attempt.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The backoff before attempt `attempt + 1`, jitter applied.
    /// - Parameter attempt: the attempt that just failed, from 1.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let raw = min(baseDelay * (1 << exponent), maxDelay)
        guard jitter > 0 else { return raw }
        let factor = 1 - jitter * Double.random(in: 0...1)
        return raw * factor
    }
}
