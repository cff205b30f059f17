import Foundation

/// A clock whose sleeps take no real time: each sleep is recorded and advances the clock's virtual time.
///
/// Inject it where code sleeps on `any Clock<Duration>` (retries, waiters) to test timing decisions quickly.
public final class InstantClock: Clock, @unchecked Sendable {
    /// A point in virtual time.
    public struct Instant: InstantProtocol {
        /// Virtual time since the clock was made.
        public var offset: Duration
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var recorded: [Duration] = []

    /// A clock at virtual time zero.
    public init() {}

    public var now: Instant { lock.withLock { current } }

    public var minimumResolution: Duration { .zero }

    /// Every sleep requested, in order.
    public var sleeps: [Duration] { lock.withLock { recorded } }

    /// Advances virtual time without a sleep (to model time spent elsewhere).
    public func advance(by duration: Duration) { lock.withLock { current = current.advanced(by: duration) } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        lock.withLock {
            recorded.append(current.duration(to: deadline))
            if current < deadline { current = deadline }
        }
        await Task.yield()
    }
}
