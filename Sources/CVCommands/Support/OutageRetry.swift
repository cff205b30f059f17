import Foundation
import Synchronization

/// Calls to a service that has already answered this run, sent again after a connection that could not be opened
/// (a server restarting, the network dropping out), with a doubling wait. Until the service has answered once, such
/// a failure stands: a wrong endpoint still fails at once.
final class OutageRetry: Sendable {
    /// Calls per request, the first included.
    let attempts: Int
    /// The first wait; doubled after each failed attempt.
    let delay: Duration
    private let answered = Mutex(false)

    init(attempts: Int = 5, delay: Duration = .milliseconds(500)) {
        self.attempts = max(1, attempts)
        self.delay = delay
    }

    /// The result of `call`, retried as described.
    func run<T: Sendable>(_ call: @Sendable () async throws -> T) async throws -> T {
        var wait = delay
        var attempt = 1
        while true {
            do {
                let value = try await call()
                answered.withLock { $0 = true }
                return value
            } catch {
                let info = ServiceErrorInfo(error)
                // Any HTTP answer, even an error, shows the endpoint is right.
                if info?.status != nil { answered.withLock { $0 = true } }
                guard attempt < attempts, info?.isConnectionFailure == true, answered.withLock({ $0 }) else {
                    throw error
                }
                try await Task.sleep(for: wait)
                wait *= 2
                attempt += 1
            }
        }
    }
}
