import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Threads of their own for checking uploaded images, below the priority of everything else the server does.
///
/// Checking an upload batch is one long stretch of CPU (every JPEG's entropy-coded data is read: about 6–8 ms for 64
/// NEU-DET files) without a suspension point. On the cooperative pool, one thread per core, such stretches held up
/// the short steps of every other request behind them (reading a body, answering, resuming after a flush), and,
/// where the client runs on the same machine (development, CI, `make demo`), the client preparing the next batches.
/// Here the checks run on threads of their own whose niceness is raised by `niceIncrement` (on Linux, where
/// niceness is per thread); the server uses +2, the trainer's priority (its queue runs at utility QoS, which
/// libdispatch maps to +2), so checks and training share the CPU evenly and both yield to request handling and
/// predictions. Uploading NEU-DET with `cvctl upload --no-prep` on two cores: 0.270 → 0.257 s (medians of 14,
/// alternating with the build before).
///
/// Start tasks on it with `TaskGroup.addTask(executorPreference:)` or `Task(executorPreference:)`: they run there from
/// their start, and resume there after a suspension (`withTaskExecutorPreference` may run the start of its closure on
/// the caller's thread).
final class ImageCheckExecutor: TaskExecutor, Sendable {
    /// The server's pool: as many threads as active cores, niceness +2.
    static let shared = ImageCheckExecutor(
        name: "cvserver-check", threads: ProcessInfo.processInfo.activeProcessorCount, niceIncrement: 2)

    private let jobs = Mutex<[UnownedJob]>([])
    private let ready = DispatchSemaphore(value: 0)
    private let completed = Atomic<Int>(0)

    /// The number of threads.
    let threadCount: Int

    /// Jobs run so far (a job is a stretch of a task between two suspension points).
    var completedJobs: Int { completed.load(ordering: .relaxed) }

    /// Starts `threads` threads (at least one), each with its niceness raised by `niceIncrement` and its
    /// `Thread.name` set to `name-N`. The threads live as long as the process.
    init(name: String, threads: Int, niceIncrement: Int32) {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in
                // Set from the thread itself: on Linux, a name given before `start()` is not kept.
                Thread.current.name = "\(name)-\(index)"
                Self.lowerPriority(by: niceIncrement)
                work()
            }
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        ready.signal()
    }

    private func work() -> Never {
        while true {
            ready.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job.runSynchronously(on: asUnownedTaskExecutor())
            completed.add(1, ordering: .relaxed)
        }
    }

    /// Raises the calling thread's niceness by `increment` (at most to 19). Linux only: elsewhere `setpriority`
    /// would change the whole process.
    private static func lowerPriority(by increment: Int32) {
        #if os(Linux)
            guard increment > 0 else { return }
            errno = 0
            let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            guard errno == 0 else { return }
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, current + increment))
        #endif
    }
}
