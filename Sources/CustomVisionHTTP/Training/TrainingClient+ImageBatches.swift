import Foundation

/// How far ``TrainingClient/uploadImages(projectId:images:limits:concurrency:maxAttempts:progress:)`` has come.
public struct ImageUploadProgress: Hashable, Sendable {
    /// Images with their final result (stored, already there, or refused), of ``total``.
    public var finished: Int
    /// Images in the upload.
    public var total: Int
    /// Requests answered so far.
    public var requests: Int

    /// Creates a progress report.
    public init(finished: Int, total: Int, requests: Int) {
        self.finished = finished
        self.total = total
        self.requests = requests
    }
}

extension TrainingClient {
    /// Uploads any number of images, each with its own tags and regions: splits them into CreateImagesFromFiles
    /// requests within `limits` (by default 64 images, 20 distinct tags and 12 MB of images a request), keeps
    /// `concurrency` requests in flight, and sends again, in a later request, the images the service answered
    /// `ErrorStorage` or `ErrorUnknown` or left out of its answer, up to `maxAttempts` sendings of each.
    ///
    /// ```swift
    /// let entries = files.map { ImageFileCreateEntry(name: $0.name, contents: $0.data, tagIds: [tag.id]) }
    /// let results = try await training.uploadImages(projectId: project.id, images: entries)
    /// let stored = results.filter { $0.status == .ok || $0.status == .okDuplicate }.count
    /// ```
    /// - Parameters:
    ///   - images: the images; each needs `contents` (at most 6 MB) and should have a `name`, by which the answer
    ///     is matched to it.
    ///   - progress: called after each answered request, and once before the first.
    /// - Returns: one result per image, in the order of `images`. `OK` and `OKDuplicate` both mean the image is
    ///   stored. An image that can never be sent (over `limits.imageBytes`, or over `limits.tags` tags or
    ///   `limits.regions` regions) is not sent: its result has the status the service would answer and no `image`.
    /// - Throws: the first request that failed after the client's own retries (``RetryPolicy``); the requests in
    ///   flight are then cancelled. Running the same upload again is safe: images already stored answer
    ///   `OKDuplicate`.
    public func uploadImages(
        projectId: UUID, images: [ImageFileCreateEntry], limits: BatchLimits = .service, concurrency: Int = 4,
        maxAttempts: Int = 3, progress: (@Sendable (ImageUploadProgress) -> Void)? = nil
    ) async throws -> [ImageCreateResult] {
        var results = [ImageCreateResult?](repeating: nil, count: images.count)
        var pending: [Int] = []
        for (index, image) in images.enumerated() {
            if let rejection = limits.rejection(of: image) {
                results[index] = ImageCreateResult(sourceUrl: image.name, status: rejection.status)
            } else {
                pending.append(index)
            }
        }
        var state = ImageUploadProgress(finished: images.count - pending.count, total: images.count, requests: 0)
        progress?(state)
        let attempts = max(1, maxAttempts)
        for attempt in 1...attempts where !pending.isEmpty {
            var again: [Int] = []
            try await sendBatches(projectId, images, Self.plan(pending, images, limits), max(1, concurrency)) {
                batch, answered in
                state.requests += 1
                for (index, result) in zip(batch, answered) {
                    let transient = result.map { $0.status == .errorStorage || $0.status == .errorUnknown } ?? true
                    if transient, attempt < attempts {
                        again.append(index)
                    } else {
                        results[index] = result
                            ?? ImageCreateResult(sourceUrl: images[index].name, status: .errorUnknown)
                        state.finished += 1
                    }
                }
                progress?(state)
            }
            pending = again.sorted()
        }
        return results.map { $0 ?? ImageCreateResult(status: .errorUnknown) }
    }

    /// `pending` (indices into `images`) grouped into requests within `limits`, in order.
    private static func plan(_ pending: [Int], _ images: [ImageFileCreateEntry], _ limits: BatchLimits) -> [[Int]] {
        var planner = ImageBatchPlanner<Indexed>(limits: limits)
        var batches: [[Int]] = []
        for index in pending {
            if let batch = planner.add(Indexed(index: index, entry: images[index])) {
                batches.append(batch.map(\.index))
            }
        }
        if let batch = planner.flush() { batches.append(batch.map(\.index)) }
        return batches
    }

    /// Sends `batches`, `concurrency` at a time, handing each answer, matched to its images, to `absorb` as it
    /// comes.
    private func sendBatches(
        _ projectId: UUID, _ images: [ImageFileCreateEntry], _ batches: [[Int]], _ concurrency: Int,
        absorb: ([Int], [ImageCreateResult?]) -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: ([Int], [ImageCreateResult?]).self) { group in
            var next = 0
            func start() {
                let batch = batches[next]
                next += 1
                group.addTask {
                    let entries = batch.map { images[$0] }
                    let summary = try await self.createImagesFromFiles(
                        projectId: projectId, batch: ImageFileCreateBatch(images: entries))
                    return (batch, Self.match(summary.images ?? [], sourceUrl: \.sourceUrl, to: entries.map(\.name)))
                }
            }
            while next < min(concurrency, batches.count) { start() }
            while let (batch, answered) = try await group.next() {
                if next < batches.count { start() }
                absorb(batch, answered)
            }
        }
    }

    /// An image of ``uploadImages(projectId:images:limits:concurrency:maxAttempts:progress:)`` with its place.
    private struct Indexed: ImageBatchItem {
        var index: Int
        var entry: ImageFileCreateEntry
        var batchByteCount: Int { entry.batchByteCount }
        var batchTags: Set<UUID> { entry.batchTags }
        var batchRegionCount: Int { entry.batchRegionCount }
    }

    /// The results of a CreateImages answer matched to the images sent (`names`, in order): the result at the
    /// same place when its echoed name is the image's, else the result echoing the image's name, else, when the
    /// answer lists as many results as images, the one at its place; nil for an image the answer left out.
    package static func match<Result>(
        _ results: [Result], sourceUrl: (Result) -> String?, to names: [String?]
    ) -> [Result?] {
        let echoed = results.map { echoedName(sourceUrl($0)) }
        var byName: [String: Int] = [:]
        for (index, name) in echoed.enumerated() where byName[name] == nil { byName[name] = index }
        let sameCount = results.count == names.count
        return names.enumerated().map { index, name in
            if index < echoed.count, echoed[index] == name ?? "" { return results[index] }
            if let name, let found = byName[name] { return results[found] }
            return sameCount ? results[index] : nil
        }
    }

    /// The name of an uploaded file as a CreateImagesFromFiles answer echoes it in `sourceUrl`: Azure and cvserver
    /// quote it (`"a.jpg"` in quotes); cvserver before 2026-12-05 did not, and a bare name is taken as it is. Trimmed
    /// by hand: a `CharacterSet` made for each result cost more than the rest of the mapping (about 1.5 µs an image).
    package static func echoedName(_ sourceUrl: String?) -> String {
        var name = Substring(sourceUrl ?? "")
        while name.first == "\"" { name = name.dropFirst() }
        while name.last == "\"" { name = name.dropLast() }
        return String(name)
    }
}
