import CustomVisionCore
import CustomVisionHTTP
import Foundation
import Synchronization
import Testing

@testable import CVCommands

/// A store standing in for the service inside the process: it dedupes by content, drops every third request, and
/// answers `ErrorStorage` for some items, so the engine's retry and journal logic runs on real batches.
private final class FlakyStore: Sendable {
    struct State {
        var images: [String: String] = [:]
        var requests = 0
        var largestBatch = 0
        var storageErrors: Set<String> = []
    }
    let state = Mutex(State())
    struct Dropped: Error {}

    func send(_ batch: [UploadItem]) throws -> [UploadOutcome] {
        try state.withLock { s in
            s.requests += 1
            s.largestBatch = max(s.largestBatch, batch.count)
            if s.requests % 3 == 0 { throw Dropped() }
            return batch.enumerated().map { index, item in
                if item.name.hasPrefix("bad") { return .failed(status: "ErrorImageFormat", reason: "not an image") }
                if (s.requests + index) % 7 == 0, s.storageErrors.insert(item.hash).inserted {
                    return .retry(status: "ErrorStorage")
                }
                if let id = s.images[item.hash] { return .uploaded(imageId: id, duplicate: true) }
                let id = UUID().uuidString
                s.images[item.hash] = id
                return .uploaded(imageId: id, duplicate: false)
            }
        }
    }
}

struct UploadEngineTests {
    private func items(_ n: Int, bad: Int = 0) -> [UploadElement] {
        (0..<n).map { i in
            .item(UploadItem(name: (i < bad ? "bad" : "img") + "\(i).jpg", bytes: Array("image \(i)".utf8),
                                tags: ["t\(i % 3)"], regions: []))
        }
    }

    private func engine() -> UploadEngine {
        UploadEngine(concurrency: 3, retryDelay: .milliseconds(1),
                     isRetryable: { $0 is FlakyStore.Dropped }, describe: { "\($0)" })
    }

    @Test func uploadsEverythingOnceDespiteDroppedRequestsAndStorageErrors() async throws {
        let store = FlakyStore()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvctl-engine-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try UploadJournal(url: dir.appendingPathComponent("j.jsonl"))
        let report = try await engine().run(items: items(300, bad: 2), total: 300, journal: journal,
                                            send: { try store.send($0) }, progress: { _ in })
        #expect(report.summary.uploaded == 298)
        #expect(report.summary.failed == 2)
        #expect(report.failures.allSatisfy { $0.status == "ErrorImageFormat" })
        #expect(store.state.withLock { $0.images.count } == 298)
        #expect(store.state.withLock { $0.largestBatch } <= 64)
        #expect(await journal.count == 298)
        #expect(store.state.withLock { $0.storageErrors.count } > 0)
    }

    @Test func aSecondRunSkipsWhatTheJournalHolds() async throws {
        let store = FlakyStore()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvctl-engine-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("j.jsonl")
        _ = try await engine().run(items: items(100).prefix(40), total: 40, journal: try UploadJournal(url: url),
                                   send: { try store.send($0) }, progress: { _ in })
        let second = try await engine().run(items: items(100), total: 100, journal: try UploadJournal(url: url),
                                            send: { try store.send($0) }, progress: { _ in })
        #expect(second.summary.skipped == 40)
        #expect(second.summary.uploaded == 60)
        #expect(second.summary.failed == 0)
        #expect(store.state.withLock { $0.images.count } == 100)
    }

    /// Once the dataset is read to its end and what is left fits in the requests in flight, the last requests are
    /// of equal size (1800 images, 4 in flight: 25 of 64, then 4 of 50); while the end is unknown they stay full.
    @Test func theLastRequestsAreEvenOnceTheTotalIsKnown() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvctl-engine-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        for final in [true, false] {
            let sizes = Mutex<[Int]>([])
            let engine = UploadEngine(concurrency: 4, isRetryable: { _ in false }, describe: { "\($0)" })
            let report = try await engine.run(
                elements: AsyncStream { continuation in
                    for element in items(1800) { continuation.yield(element) }
                    continuation.finish()
                }, total: { 1800 }, totalIsFinal: { final },
                journal: try UploadJournal(url: dir.appendingPathComponent("j\(final).jsonl")),
                send: { batch in
                    sizes.withLock { $0.append(batch.count) }
                    return batch.map { _ in .uploaded(imageId: UUID().uuidString, duplicate: false) }
                }, progress: { _ in })
            #expect(report.summary.uploaded == 1800)
            let sent = sizes.withLock { $0 }.sorted(by: >)
            #expect(sent == (final ? Array(repeating: 64, count: 25) + Array(repeating: 50, count: 4)
                : Array(repeating: 64, count: 28) + [8]), "\(sent)")
        }
        #expect(UploadEngine(concurrency: 4, isRetryable: { _ in false }, describe: { "\($0)" })
            .evenTail(left: 257, final: true) == nil)
    }

    @Test func pacerSpacesRequestStarts() async throws {
        let pacer = RequestPacer(perSecond: 100)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<100 { try await pacer.wait() }  // the burst: no wait sleeps (no clock bound: machines stall)
        #expect(await pacer.delayedWaits == 0)
        for _ in 0..<10 { try await pacer.wait() }  // then 100 per second
        #expect(clock.now - start >= .milliseconds(90))
        let unpaced = RequestPacer(perSecond: 0)
        for _ in 0..<100 { try await unpaced.wait() }
        #expect(await unpaced.delayedWaits == 0)
    }
}

/// A real connection failure: the client against the port of a server that has stopped.
private func refusedConnectionError() async throws -> CustomVisionClientError {
    let client = TrainingClient(endpoint: URL(string: try await ConnectionEndToEndTests.refusedEndpoint())!, key: "k")
    return try await #require(throws: CustomVisionClientError.self) {
        _ = try await client.getTags(projectId: UUID())
    }
}

/// A connection refused after the upload has started (a server restarting) is retried by the engine as `upload`
/// configures it, while the same error before any answer (a wrong endpoint) fails fast.
struct ConnectionLossTests {
    @Test func aRefusedConnectionMidUploadIsRetriedAndNothingIsLost() async throws {
        let refused = try await refusedConnectionError()
        let info = try #require(ServiceErrorInfo(refused))
        #expect(info.isConnectionFailure && !info.isRetryable && info.isRetryableOnceConnected)

        let outages = Mutex(3)
        let engine = UploadEngine(concurrency: 2, retryDelay: .milliseconds(1),
                                  isRetryable: UploadCommand.retriesBatch,
                                  describe: { "\($0)" })
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvctl-outage-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try UploadJournal(url: dir.appendingPathComponent("j.jsonl"))
        let items = (0..<150).map { i in
            UploadElement.item(
                UploadItem(name: "img\(i).jpg", bytes: Array("image \(i)".utf8), tags: ["t"], regions: []))
        }
        let report = try await engine.run(items: items, total: 150, journal: journal, send: { batch in
            if outages.withLock({ left in defer { left -= 1 }; return left > 0 }) { throw refused }
            return batch.map { _ in .uploaded(imageId: UUID().uuidString, duplicate: false) }
        }, progress: { _ in })
        #expect(report.summary.uploaded == 150)
        #expect(report.summary.failed == 0)
        #expect(await journal.count == 150)
    }
}

/// Predictions of a folder (`predict`, `evaluate`) ride out a server restarting mid-run; a wrong endpoint still
/// fails at its first call.
struct OutageRetryTests {
    @Test func beforeAnyAnswerARefusedConnectionStandsAndStopsTheRest() async throws {
        let refused = try await refusedConnectionError()
        let calls = Mutex(0)
        let retry = OutageRetry(attempts: 5, delay: .milliseconds(1))
        // Before any answer: the failure stands after one call.
        await #expect(throws: CustomVisionClientError.self) {
            try await retry.run { () async throws -> Int in
                calls.withLock { $0 += 1 }
                throw refused
            }
        }
        #expect(calls.withLock { $0 } == 1)
        // The calls after it fail with it, without trying.
        await #expect(throws: CustomVisionClientError.self) {
            try await retry.run { () async throws -> Int in
                calls.withLock { $0 += 1 }
                return 1
            }
        }
        #expect(calls.withLock { $0 } == 1)
    }

    @Test func onceTheServiceHasAnsweredARefusedConnectionIsRetried() async throws {
        let refused = try await refusedConnectionError()
        let calls = Mutex(0)
        let retry = OutageRetry(attempts: 5, delay: .milliseconds(1))
        // Once a call succeeded, a call failing twice to connect is sent a third time.
        #expect(try await retry.run { 1 } == 1)
        calls.withLock { $0 = 0 }
        let value = try await retry.run { () async throws -> Int in
            let n = calls.withLock { $0 += 1; return $0 }
            if n <= 2 { throw refused }
            return 42
        }
        #expect(value == 42 && calls.withLock { $0 } == 3)
        // At most `attempts` calls, then the failure stands.
        calls.withLock { $0 = 0 }
        await #expect(throws: CustomVisionClientError.self) {
            try await retry.run { () async throws -> Int in
                calls.withLock { $0 += 1 }
                throw refused
            }
        }
        #expect(calls.withLock { $0 } == 5)
    }
}
