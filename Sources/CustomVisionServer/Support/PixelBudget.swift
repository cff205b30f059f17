import Synchronization

/// A server-wide limit on the image pixels being decoded at once: a request takes its decode's pixel count before
/// allocating and gives it back after, so a few huge images cannot together exhaust memory.
///
/// Requests are admitted in arrival order while the pixels in flight stay within ``limit``; one that alone exceeds
/// the limit is admitted when nothing else is in flight (and runs alone). Waiting suspends the task — no thread is
/// blocked — and a cancelled waiter leaves the queue with `CancellationError`.
final class PixelBudget: Sendable {
    /// The most pixels decoded at once (a single larger image still decodes, alone).
    let limit: Int

    private struct Waiter {
        var id: Int
        var pixels: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var inFlight = 0
        var nextId = 0
        var waiters: [Waiter] = []

        func fits(_ pixels: Int, limit: Int) -> Bool { inFlight == 0 || inFlight + pixels <= limit }

        /// Admits waiters from the front of the queue while they fit; returns them to resume outside the lock.
        mutating func admitWaiting(limit: Int) -> [Waiter] {
            var admitted: [Waiter] = []
            while let first = waiters.first, fits(first.pixels, limit: limit) {
                inFlight += first.pixels
                admitted.append(waiters.removeFirst())
            }
            return admitted
        }
    }

    private let state = Mutex(State())

    /// A budget of `limit` pixels (at least 1).
    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The pixels currently admitted and the requests waiting (tests).
    var snapshot: (inFlight: Int, waiting: Int) { state.withLock { ($0.inFlight, $0.waiters.count) } }

    /// Runs `body` once `pixels` fit in the budget, and gives them back when it returns or throws.
    /// - Throws: `CancellationError` when the task is cancelled while waiting; whatever `body` throws.
    func withPixels<T>(_ pixels: Int, _ body: () async throws -> T) async throws -> T {
        let pixels = max(0, pixels)
        try await acquire(pixels)
        defer { release(pixels) }
        return try await body()
    }

    private func acquire(_ pixels: Int) async throws {
        let limit = limit
        let id: Int? = state.withLock { s in
            guard !s.waiters.isEmpty || !s.fits(pixels, limit: limit) else {
                s.inFlight += pixels
                return nil
            }
            defer { s.nextId += 1 }
            return s.nextId
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let admitted: [Waiter]? = state.withLock { s in
                    // Checked under the lock: a cancellation either came before (seen here) or finds the waiter.
                    guard !Task.isCancelled else { return nil }
                    s.waiters.append(Waiter(id: id, pixels: pixels, continuation: continuation))
                    return s.admitWaiting(limit: limit)  // the queue may have drained since the first look
                }
                guard let admitted else { return continuation.resume(throwing: CancellationError()) }
                for waiter in admitted { waiter.continuation.resume() }
            }
        } onCancel: {
            let (removed, admitted) = state.withLock { s -> (Waiter?, [Waiter]) in
                guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return (nil, []) }
                let removed = s.waiters.remove(at: index)
                return (removed, s.admitWaiting(limit: limit))  // a waiter behind it may fit now
            }
            removed?.continuation.resume(throwing: CancellationError())
            for waiter in admitted { waiter.continuation.resume() }
        }
    }

    private func release(_ pixels: Int) {
        let limit = limit
        let admitted = state.withLock { s in
            s.inFlight -= pixels
            return s.admitWaiting(limit: limit)
        }
        for waiter in admitted { waiter.continuation.resume() }
    }
}
