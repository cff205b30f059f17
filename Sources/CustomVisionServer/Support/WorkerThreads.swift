import DequeModule
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A fixed set of threads of their own, for work that must not run on the Swift cooperative pool (one thread per
/// core, shared by every request's short steps): as a `TaskExecutor` for long stretches of CPU, or through
/// `run(_:)` for calls that block.
///
/// `imageChecks` checks uploaded images. Checking a batch is one long stretch of CPU (every JPEG's entropy-coded data
/// is read: about 6–8 ms for 64 NEU-DET files) without a suspension point. On the cooperative pool such stretches
/// held up the short steps of every other request behind them (reading a body, answering, resuming after a flush),
/// and, where the client runs on the same machine (development, CI, `make demo`), the client preparing the next
/// batches. Its threads' niceness is raised by 2 (on Linux, where niceness is per thread): the trainer's priority
/// (its queue runs at utility QoS, which libdispatch maps to +2), so checks and training share the CPU evenly and
/// both yield to request handling and predictions. Uploading NEU-DET with `cvctl upload --no-prep` on two cores:
/// 0.270 → 0.257 s (medians of 14, alternating with the build before).
///
/// `blockingIO` runs file writes, fsyncs and SQLite commits (see `BlockingIO`).
///
/// Start tasks on a pool with `TaskGroup.addTask(executorPreference:)` or `Task(executorPreference:)`: they run there
/// from their start, and resume there after a suspension (`withTaskExecutorPreference` may run the start of its
/// closure on the caller's thread).
final class WorkerThreads: TaskExecutor, Sendable {
    /// Upload checks: as many threads as active cores, niceness +2.
    static let imageChecks = WorkerThreads(threads: ProcessInfo.processInfo.activeProcessorCount, niceIncrement: 2)
    /// Blocking calls: twice as many threads as cores (at least four), so that several batches' flushes overlap.
    static let blockingIO = WorkerThreads(
        threads: max(4, 2 * ProcessInfo.processInfo.activeProcessorCount), niceIncrement: 0)

    /// One piece of work: a task's job, or a call.
    private enum Work: Sendable {
        case job(UnownedJob)
        case call(@Sendable () -> Void)
    }

    /// Waiting work, oldest first (a deque: taking the first is O(1)).
    private let queue = Mutex<Deque<Work>>([])
    private let ready = DispatchSemaphore(value: 0)
    private let completed = Atomic<Int>(0)

    /// The number of threads.
    let threadCount: Int

    /// Jobs and calls run so far (a job is a stretch of a task between two suspension points).
    var completedJobs: Int { completed.load(ordering: .relaxed) }

    /// The pool whose thread calls this, if any.
    static var current: WorkerThreads? {
        pthread_getspecific(currentKey).map { Unmanaged<WorkerThreads>.fromOpaque($0).takeUnretainedValue() }
    }

    /// The thread-specific slot that tells a pool's threads from others (`Thread.current` and its `name` proved
    /// unreliable for that on Linux).
    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Starts `threads` threads (at least one), each with its niceness raised by `niceIncrement`. The threads, and
    /// so the pool, live as long as the process.
    init(threads: Int, niceIncrement: Int32) {
        threadCount = max(1, threads)
        for _ in 0..<threadCount {
            let thread = Thread { [self] in
                _ = pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
                Self.lowerPriority(by: niceIncrement)
                work()
            }
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    /// Runs `body` on one of the threads and returns its result.
    /// - Throws: whatever `body` throws.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit(.call { continuation.resume(with: Result { try body() }) })
        }
    }

    private func submit(_ work: Work) {
        queue.withLock { $0.append(work) }
        ready.signal()
    }

    private func work() -> Never {
        while true {
            ready.wait()
            switch queue.withLock({ $0.removeFirst() }) {
            case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
            case .call(let call): call()
            }
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
