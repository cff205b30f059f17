import Synchronization

/// A server-wide limit on the image pixels being decoded at once: a request takes its decode's pixel count before
/// allocating and gives it back after, so a few huge images cannot together exhaust memory.
///
/// Waiting requests are admitted smallest first while the pixels in flight stay within ``limit``, so that an ordinary
/// image is not held up behind a queue of huge ones (a client sending images that declare 10,000×10,000 pixels
/// would otherwise stall every other prediction); a request that smaller ones have passed ``maxBypass`` times goes
/// next, so a large one is never starved. One that alone exceeds the limit is admitted when nothing else is in
/// flight (and runs alone). Waiting suspends the task — no thread is blocked — and a cancelled waiter leaves the
/// queue with `CancellationError`.
final class PixelBudget: Sendable {
    /// The most pixels decoded at once (a single larger image still decodes, alone).
    let limit: Int
    /// How many times smaller requests may be admitted ahead of a waiting one before it goes next.
    let maxBypass: Int

    private struct Waiter {
        var id: Int
        var pixels: Int
        var continuation: CheckedContinuation<Void, any Error>
        /// Requests admitted ahead of this one since it began waiting.
        var bypassed = 0
    }

    private struct State {
        var inFlight = 0
        var nextId = 0
        /// In arrival order.
        var waiters: [Waiter] = []

        func fits(_ pixels: Int, limit: Int) -> Bool { inFlight == 0 || inFlight + pixels <= limit }

        /// Admits waiters while one fits: the oldest of those smaller ones have passed `maxBypass` times, when there
        /// is one (nothing else goes before it), else the smallest that fits; returns them to resume outside the lock.
        mutating func admitWaiting(limit: Int, maxBypass: Int) -> [Waiter] {
            var admitted: [Waiter] = []
            while !waiters.isEmpty {
                let index: Int?
                if let due = waiters.firstIndex(where: { $0.bypassed >= maxBypass }) {
                    index = fits(waiters[due].pixels, limit: limit) ? due : nil
                } else {
                    index = waiters.indices.filter { fits(waiters[$0].pixels, limit: limit) }
                        .min { (waiters[$0].pixels, $0) < (waiters[$1].pixels, $1) }
                }
                guard let index else { break }
                for older in 0..<index { waiters[older].bypassed += 1 }
                inFlight += waiters[index].pixels
                admitted.append(waiters.remove(at: index))
            }
            return admitted
        }
    }

    private let state = Mutex(State())

    /// A budget of `limit` pixels (at least 1); a waiting request is passed by smaller ones at most `maxBypass`
    /// times.
    init(limit: Int, maxBypass: Int = 16) {
        self.limit = max(1, limit)
        self.maxBypass = max(0, maxBypass)
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
        let (limit, maxBypass) = (limit, maxBypass)
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
                    // The queue may have drained since the first look.
                    return s.admitWaiting(limit: limit, maxBypass: maxBypass)
                }
                guard let admitted else { return continuation.resume(throwing: CancellationError()) }
                for waiter in admitted { waiter.continuation.resume() }
            }
        } onCancel: {
            let (removed, admitted) = state.withLock { s -> (Waiter?, [Waiter]) in
                guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return (nil, []) }
                let removed = s.waiters.remove(at: index)
                return (removed, s.admitWaiting(limit: limit, maxBypass: maxBypass))  // a waiter behind it may fit now
            }
            removed?.continuation.resume(throwing: CancellationError())
            for waiter in admitted { waiter.continuation.resume() }
        }
    }

    private func release(_ pixels: Int) {
        let (limit, maxBypass) = (limit, maxBypass)
        let admitted = state.withLock { s in
            s.inFlight -= pixels
            return s.admitWaiting(limit: limit, maxBypass: maxBypass)
        }
        for waiter in admitted { waiter.continuation.resume() }
    }
}
