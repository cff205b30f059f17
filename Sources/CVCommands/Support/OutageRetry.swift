import Foundation
import Synchronization

/// Calls to a service that has already answered this run, sent again after a connection that could not be opened
/// (a server restarting, the network dropping out), with a doubling wait. Until the service has answered once, such
/// a failure stands, and the calls after it fail with it without trying: a wrong endpoint fails a folder of
/// thousands of images at once instead of one connection attempt after another. An answer that refuses the whole run
/// (a wrong key, project or published name: ``ServiceErrorInfo/refusesTheRun``) stands the same way.
final class OutageRetry: Sendable {
    /// Calls per request, the first included.
    let attempts: Int
    /// The first wait; doubled after each failed attempt.
    let delay: Duration
    private let answered = Mutex(false)
    /// The connection failure of a call made before any answer.
    private let unreachable = Mutex<(any Error)?>(nil)
    /// The first answer that refused the whole run.
    private let refusal = Mutex<(any Error)?>(nil)

    init(attempts: Int = 5, delay: Duration = .milliseconds(500)) {
        self.attempts = max(1, attempts)
        self.delay = delay
    }

    /// The result of `call`, retried as described.
    func run<T: Sendable>(_ call: @Sendable () async throws -> T) async throws -> T {
        var wait = delay
        var attempt = 1
        while true {
            if let error = refusal.withLock({ $0 }) { throw error }
            if !answered.withLock({ $0 }), let error = unreachable.withLock({ $0 }) { throw error }
            do {
                let value = try await call()
                answered.withLock { $0 = true }
                return value
            } catch {
                let info = ServiceErrorInfo(error)
                // Any HTTP answer, even an error, shows the endpoint is right.
                if info?.status != nil { answered.withLock { $0 = true } }
                if info?.refusesTheRun == true {
                    refusal.withLock { $0 = $0 ?? error }
                    throw error
                }
                guard info?.isConnectionFailure == true else { throw error }
                guard answered.withLock({ $0 }) else {
                    unreachable.withLock { $0 = error }
                    throw error
                }
                guard attempt < attempts else { throw error }
                try await Task.sleep(for: wait)
                wait *= 2
                attempt += 1
            }
        }
    }
}
