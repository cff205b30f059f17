/// Spaces requests to at most `perSecond` starts per second (Azure S0 allows 10 transactions per second), so
/// parallel batches do not earn 429 answers whose Retry-After pauses cost more than the pacing.
public actor RequestPacer {
    private let interval: Duration
    private var next: ContinuousClock.Instant
    private let clock = ContinuousClock()

    /// - Parameter perSecond: starts per second; 0 or less disables pacing.
    public init(perSecond: Double) {
        interval = perSecond > 0 ? .milliseconds(Int(1000 / perSecond)) : .zero
        next = clock.now
    }

    /// Waits for the next free slot.
    public func wait() async throws {
        guard interval > .zero else { return }
        let now = clock.now
        let slot = max(now, next)
        next = slot + interval
        if slot > now { try await Task.sleep(until: slot, clock: clock) }
    }
}
