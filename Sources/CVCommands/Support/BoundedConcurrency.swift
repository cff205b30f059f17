/// Running the same asynchronous work over many inputs with a bounded number in flight — predictions of a folder,
/// downloads of a project's images.
enum BoundedConcurrency {
    /// Runs `body` over `inputs` with at most `concurrency` (at least 1) in flight; the results keep the input order.
    /// `progress` is told after each result. `body` reports its own failures in its result, so one input's failure
    /// does not cancel the others.
    /// - Throws: what the task group throws (nothing but cancellation: `body` does not throw).
    static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], concurrency: Int, progress: ProgressReporter? = nil,
        _ body: @escaping @Sendable (Input) async -> Output
    ) async throws -> [Output] {
        var results = [Output?](repeating: nil, count: inputs.count)
        try await withThrowingTaskGroup(of: (Int, Output).self) { group in
            var next = 0
            var done = 0
            func start() {
                let index = next
                group.addTask { (index, await body(inputs[index])) }
                next += 1
            }
            while next < min(max(1, concurrency), inputs.count) { start() }
            while let (index, value) = try await group.next() {
                results[index] = value
                done += 1
                progress?.update(done: done, total: inputs.count)
                if next < inputs.count { start() }
            }
        }
        return results.map { $0! }
    }
}
