import Dispatch

/// Runs blocking work (file writes, fsyncs, SQLite commits under the store's lock) on threads of its own, so the
/// Swift cooperative pool, one thread per core, stays free to parse other requests while a batch waits for the
/// disk, and several batches in flight overlap their flushes.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "cvserver.blocking-io", attributes: .concurrent)

    /// Runs `body` on the blocking-I/O threads and returns its result.
    /// - Throws: whatever `body` throws.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
