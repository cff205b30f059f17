import Dispatch

/// A task executor with threads of its own, for work that computes without suspending (training).
///
/// Jobs run on a concurrent dispatch queue, so two trainings may run at once, and neither occupies a thread of
/// Swift's cooperative pool.
final class TrainingExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor every training run uses.
    static let shared = TrainingExecutor()

    private let queue = DispatchQueue(label: "custom-vision.training", qos: .utility, attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
