/// A token bucket on the client side: bursts of up to `perSecond` requests, then `perSecond` starts per second
/// (Azure S0 allows 10 transactions per second), so parallel batches do not earn 429 answers whose Retry-After
/// pauses cost more than the pacing.
public actor RequestPacer {
    private let rate: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant
    private let clock = ContinuousClock()
    /// How many calls of ``wait()`` had to sleep.
    public private(set) var delayedWaits = 0

    /// - Parameter perSecond: sustained starts per second, and the burst size; 0 or less disables pacing.
    public init(perSecond: Double) {
        rate = perSecond
        tokens = max(perSecond, 0)
        last = clock.now
    }

    /// Waits until a request may start.
    public func wait() async throws {
        guard rate > 0 else { return }
        let now = clock.now
        tokens = min(rate, tokens + (now - last).seconds * rate)
        last = now
        tokens -= 1
        if tokens < 0 {
            delayedWaits += 1
            // Reserve the slot now, sleep until it comes; later callers queue behind it.
            try await Task.sleep(for: .milliseconds(Int((-tokens / rate * 1000).rounded(.up))))
        }
    }
}
