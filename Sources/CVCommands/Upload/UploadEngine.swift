import CustomVisionHTTP
import Foundation

/// What the service said about one item of a batch.
public enum UploadOutcome: Sendable, Hashable {
    /// Stored (`OK`) or already there (`OKDuplicate`), with its image id.
    case uploaded(imageId: String, duplicate: Bool)
    /// A transient failure (`ErrorStorage`, `ErrorUnknown`, or missing from the answer): send it again.
    case retry(status: String)
    /// A permanent failure.
    case failed(status: String, reason: String)
}

/// Counts of an upload, live (for progress) and final (the summary).
public struct UploadSummary: Hashable, Sendable, Codable {
    /// Items in the dataset.
    public var total = 0
    /// Items stored by this run.
    public var uploaded = 0
    /// Items the service already had (`OKDuplicate`).
    public var duplicates = 0
    /// Items the journal says were uploaded by an earlier run.
    public var skipped = 0
    /// Items that failed (see ``UploadReport/failures``).
    public var failed = 0
    /// Requests sent, retries included.
    public var requests = 0
    /// Wall-clock seconds.
    public var seconds = 0.0

    public init(total: Int = 0) { self.total = total }

    /// Items accounted for so far.
    public var processed: Int { uploaded + duplicates + skipped + failed }
    /// Items done (not failed).
    public var done: Int { uploaded + duplicates + skipped }
}

/// The JSON report `--report FILE` writes: the summary and every failed item with its reason.
public struct UploadReport: Hashable, Sendable, Codable {
    public var summary: UploadSummary
    public var failures: [UploadFailure]
    /// Labelled items the service answered `OKDuplicate` to on their first sending: it already held their bytes,
    /// and keeps the labels it has for them (a copy of an image with other labels, or a re-run without its
    /// journal). Not items answered so on a retry, whose first sending may have landed.
    public var labelledDuplicates: [String] = []
}

extension UploadFailure: Error {}

/// Streams prepared items into batches, keeps several requests in flight, retries what the service throttles or drops,
/// and journals what it accepted. Memory holds at most `concurrency + 1` batches of image bytes.
public struct UploadEngine: Sendable {
    /// Sends one batch; returns one outcome per item, in order.
    public typealias Send = @Sendable ([UploadItem]) async throws -> [UploadOutcome]

    /// Requests in flight.
    public var concurrency: Int
    /// Attempts per batch (and per item) before giving up.
    public var maxAttempts: Int
    /// Batch limits.
    public var limits: BatchLimits
    /// The first retry delay; doubled on each attempt.
    public var retryDelay: Duration
    /// Whether a thrown error is worth retrying (throttling, 5xx, dropped connections).
    public var isRetryable: @Sendable (any Error) -> Bool
    /// A one-line description of a thrown error, without keys.
    public var describe: @Sendable (any Error) -> String

    public init(concurrency: Int = 4, maxAttempts: Int = 6, limits: BatchLimits = .service,
                retryDelay: Duration = .milliseconds(250),
                isRetryable: @escaping @Sendable (any Error) -> Bool,
                describe: @escaping @Sendable (any Error) -> String) {
        self.concurrency = max(1, concurrency)
        self.maxAttempts = max(1, maxAttempts)
        self.limits = limits
        self.retryDelay = retryDelay
        self.isRetryable = isRetryable
        self.describe = describe
    }

    private struct BatchResult: Sendable {
        var uploaded = 0
        var duplicates = 0
        var labelledDuplicates: [String] = []
        var requests = 0
        var failures: [UploadFailure] = []
    }

    /// Uploads `items` (a lazy sequence: each element is prepared when it is reached).
    /// - Parameters:
    ///   - items: prepared items, items the caller found journaled, or the failure that kept an item from being
    ///     prepared.
    ///   - total: the number of items, for progress.
    ///   - journal: what earlier runs uploaded; accepted items are appended to it.
    ///   - send: the request.
    ///   - progress: called after each item or batch is accounted for.
    /// - Returns: the summary and every failure.
    public func run(items: some Sequence<UploadElement>, total: Int, journal: UploadJournal,
                    send: @escaping Send, progress: (UploadSummary) -> Void) async throws -> UploadReport {
        try await run(elements: SyncElements(base: items), total: { total }, journal: journal, send: send,
                      progress: progress)
    }

    /// Uploads `elements` as they arrive (an asynchronous sequence: the dataset may still be being read).
    /// - Parameters:
    ///   - elements: as `items` of `run(items:total:journal:send:progress:)`.
    ///   - total: the number of items known so far, asked for each progress report and at the end.
    ///   - totalIsFinal: whether `total` has stopped growing (the dataset is read to its end). From then on the
    ///     last requests are evened out: the items left, once they fit in `concurrency` requests, are split into
    ///     equal ones rather than full ones and a small last one, so that the requests in flight at the end finish
    ///     together instead of the service working through the last full one alone.
    ///   - journal: what earlier runs uploaded; accepted items are appended to it.
    ///   - send: the request.
    ///   - progress: called after each item or batch is accounted for.
    /// - Returns: the summary and every failure.
    public func run<Elements: AsyncSequence>(
        elements items: Elements, total: () -> Int, totalIsFinal: () -> Bool = { true }, journal: UploadJournal,
        send: @escaping Send, progress: (UploadSummary) -> Void
    ) async throws -> UploadReport where Elements.Element == UploadElement {
        let clock = ContinuousClock()
        let start = clock.now
        var summary = UploadSummary(total: total())
        var failures: [UploadFailure] = []
        var labelledDuplicates: [String] = []
        var planner = BatchPlanner(limits: limits)
        try await withThrowingTaskGroup(of: BatchResult.self) { group in
            var inFlight = 0
            func absorb(_ result: BatchResult) {
                summary.total = total()
                summary.uploaded += result.uploaded
                summary.duplicates += result.duplicates
                labelledDuplicates += result.labelledDuplicates
                summary.requests += result.requests
                summary.failed += result.failures.count
                failures += result.failures
                progress(summary)
            }
            func submit(_ batch: [UploadItem]) async throws {
                while inFlight >= concurrency, let result = try await group.next() {
                    inFlight -= 1
                    absorb(result)
                }
                group.addTask { try await self.sendWithRetries(batch, journal: journal, send: send) }
                inFlight += 1
            }
            var taken = 0
            var tailSize: Int?
            for try await element in items {
                try Task.checkCancellation()
                taken += 1
                summary.total = total()
                switch element {
                case .failed(let failure):
                    summary.failed += 1
                    failures.append(failure)
                    progress(summary)
                case .skipped:
                    summary.skipped += 1
                    progress(summary)
                case .item(let item):
                    if await journal.imageId(for: item.hash) != nil {
                        summary.skipped += 1
                        progress(summary)
                    } else if let rejection = limits.failure(of: item) {
                        summary.failed += 1
                        failures.append(rejection)
                        progress(summary)
                    } else if let batch = planner.add(item) {
                        try await submit(batch)
                    } else if let size = tailSize ?? evenTail(left: summary.total - taken + planner.openCount,
                                                             final: totalIsFinal()) {
                        tailSize = size
                        if planner.openCount >= size, let batch = planner.flush() { try await submit(batch) }
                    }
                }
            }
            if let batch = planner.flush() { try await submit(batch) }
            while let result = try await group.next() { absorb(result) }
        }
        summary.total = total()
        summary.seconds = (clock.now - start).seconds
        return UploadReport(summary: summary, failures: failures, labelledDuplicates: labelledDuplicates)
    }

    /// The size of the requests that end an upload with `left` items still to send (those in the open batch
    /// included), once they fit in `concurrency` requests and no more will come; nil before.
    func evenTail(left: Int, final: Bool) -> Int? {
        guard final, left > 0, left <= concurrency * limits.images else { return nil }
        let requests = (left + limits.images - 1) / limits.images
        return (left + requests - 1) / requests
    }

    /// A sequence's elements as an asynchronous sequence.
    private struct SyncElements<Base: Sequence>: AsyncSequence {
        typealias Element = Base.Element
        let base: Base

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: Base.Iterator
            mutating func next() async -> Base.Element? { base.next() }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeIterator()) }
    }

    private func sendWithRetries(_ batch: [UploadItem], journal: UploadJournal, send: Send) async throws
        -> BatchResult
    {
        var result = BatchResult()
        var pending = batch
        var attempt = 0
        while !pending.isEmpty {
            attempt += 1
            result.requests += 1
            let outcomes: [UploadOutcome]
            do {
                outcomes = try await send(pending)
            } catch {
                if error is CancellationError { throw error }
                if isRetryable(error), attempt < maxAttempts {
                    try await Task.sleep(for: retryDelay * (1 << min(attempt - 1, 5)))
                    continue
                }
                let reason = describe(error)
                result.failures += pending.map { UploadFailure(name: $0.name, status: "RequestFailed", reason: reason) }
                break
            }
            var retry: [UploadItem] = []
            var entries: [JournalEntry] = []
            for (index, item) in pending.enumerated() {
                switch index < outcomes.count ? outcomes[index] : .retry(status: "Missing") {
                case .uploaded(let imageId, let duplicate):
                    if duplicate { result.duplicates += 1 } else { result.uploaded += 1 }
                    if duplicate, attempt == 1, !item.tags.isEmpty || !item.regions.isEmpty {
                        result.labelledDuplicates.append(item.name)
                    }
                    entries.append(JournalEntry(hash: item.hash, imageId: imageId, name: item.name))
                case .retry(let status):
                    if attempt < maxAttempts {
                        retry.append(item)
                    } else {
                        result.failures.append(UploadFailure(
                            name: item.name, status: status, reason: "still \(status) after \(attempt) attempts"))
                    }
                case .failed(let status, let reason):
                    result.failures.append(UploadFailure(name: item.name, status: status, reason: reason))
                }
            }
            try await journal.append(entries)
            pending = retry
            if !retry.isEmpty { try await Task.sleep(for: retryDelay * (1 << min(attempt - 1, 5))) }
        }
        return result
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
