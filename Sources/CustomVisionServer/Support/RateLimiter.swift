import CustomVisionCore
import Foundation
import Synchronization

/// A token bucket enforcing a tier's transactions per second.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var last: ContinuousClock.Instant
    }
    private let rate: Double
    private let bucket: Mutex<Bucket>

    init(transactionsPerSecond: Double) {
        rate = transactionsPerSecond
        bucket = Mutex(Bucket(tokens: transactionsPerSecond, last: .now))
    }

    /// `nil` when the request may proceed, else the seconds to wait.
    func acquire() -> Int? {
        guard rate.isFinite else { return nil }
        return bucket.withLock { b in
            let now = ContinuousClock.Instant.now
            let elapsed =
                Double((now - b.last).components.attoseconds) / 1e18 + Double((now - b.last).components.seconds)
            b.tokens = min(rate, b.tokens + elapsed * rate)
            b.last = now
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - b.tokens) / rate).rounded(.up)))
        }
    }
}
