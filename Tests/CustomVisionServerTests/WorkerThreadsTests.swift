import CustomVisionCore
import Foundation
import Synchronization
import Testing

@testable import CustomVisionServer

#if canImport(Glibc)
    import Glibc
#endif

/// Threads of the server's own: upload checks (below the priority of request handling) and blocking calls.
@Suite struct WorkerThreadsTests {
    private static func niceness() -> Int32 {
        #if os(Linux)
            getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
            0
        #endif
    }

    @Test func runsTasksOnItsOwnThreadsWithRaisedNiceness() async throws {
        let base = Self.niceness()
        let pool = WorkerThreads(threads: 2, niceIncrement: 3)
        // A task started with the preference runs there from its start (as the server's checks do); one that
        // suspends there resumes there.
        let (before, after, nice) = try await Task(executorPreference: pool) {
            let before = WorkerThreads.current === pool
            try await Task.sleep(for: .milliseconds(5))
            return (before, WorkerThreads.current === pool, Self.niceness())
        }.value
        #expect(before)
        #expect(after)
        #expect(WorkerThreads.current == nil)
        #if os(Linux)
            #expect(nice == min(19, base + 3))
            // The caller's thread keeps its own priority.
            #expect(Self.niceness() == base)
        #endif
        #expect(pool.completedJobs >= 2)
    }

    @Test func manyConcurrentTasksAllFinishWithTheirResults() async {
        let pool = WorkerThreads(threads: 2, niceIncrement: 0)
        let total = await withTaskGroup(of: Int.self) { group in
            for i in 0..<300 {
                group.addTask(executorPreference: pool) {
                    var sum = 0
                    for j in 0..<1000 { sum &+= (i &* j) % 7 }
                    await Task.yield()
                    return sum + i
                }
            }
            return await group.reduce(0, +)
        }
        var expected = 0
        for i in 0..<300 {
            var sum = 0
            for j in 0..<1000 { sum &+= (i &* j) % 7 }
            expected += sum + i
        }
        #expect(total == expected)
        #expect(pool.completedJobs >= 300)
    }

    /// An upload's images are checked on the server's check threads (nothing else runs there), in one slice per
    /// thread, each at least one job there.
    @Test func uploadChecksRunOnTheCheckThreadsInSlices() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let checks = WorkerThreads.imageChecks
            let before = checks.completedJobs
            let summary = try await cv.upload(project.id, reds(3))
            #expect(summary.images?.allSatisfy { $0.status == .ok } == true)
            #expect(checks.completedJobs - before >= min(checks.threadCount, 3))
        }
    }

    /// Blocking calls run on the I/O threads, not on the cooperative pool's.
    @Test func blockingCallsRunOnTheIOThreads() async throws {
        #expect(try await BlockingIO.run { WorkerThreads.current === WorkerThreads.blockingIO })
        #expect(WorkerThreads.blockingIO.threadCount >= 4)
    }

    /// How many calls have arrived at the barrier of `fourBlockingCallsRunAtOnce`.
    private final class Arrivals: Sendable {
        let count = Mutex(0)
    }

    /// Four calls that each wait until all four have started: they all run at once, which two threads (one per core
    /// on the test machine, as the cooperative pool has) could not do. The last to arrive releases the others, so
    /// nothing blocks a thread of the cooperative pool.
    @Test func fourBlockingCallsRunAtOnce() async throws {
        let pool = WorkerThreads(threads: 4, niceIncrement: 0)
        let arrivals = Arrivals()
        let all = DispatchSemaphore(value: 0)
        let waited = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await pool.run {
                        if arrivals.count.withLock({ $0 += 1; return $0 }) == 4 {
                            for _ in 0..<4 { all.signal() }
                        }
                        // The generous timeout only keeps a broken pool from hanging the suite.
                        return all.wait(timeout: .now() + 60) == .success
                    }
                }
            }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(waited)
    }

    @Test func aThrowingCallRethrows() async {
        struct Failure: Error {}
        await #expect(throws: Failure.self) { try await BlockingIO.run { throw Failure() } }
    }
}
