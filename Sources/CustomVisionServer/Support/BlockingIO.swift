/// Runs blocking work (file writes, fsyncs, SQLite commits under the store's lock) on threads of its own
/// (`WorkerThreads.blockingIO`), so the Swift cooperative pool, one thread per core, stays free to parse and answer
/// other requests while a batch waits for the disk, and several batches in flight overlap their flushes.
///
/// It used a concurrent `DispatchQueue`, which on Linux ran on the same two default-QoS threads as the cooperative
/// pool (a batch's fsyncs were seen on exactly those threads): with two flushes under way, no request could be
/// parsed or answered until one returned.
enum BlockingIO {
    /// Runs `body` on the blocking-I/O threads and returns its result.
    /// - Throws: whatever `body` throws.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await WorkerThreads.blockingIO.run(body)
    }
}
