import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird
import ImagePrep

/// One image offered to a create-images batch.
struct ImageCandidate: Sendable {
    var sourceUrl: String?
    /// The bytes, or `nil` when they could not be obtained (`failure` says why).
    var bytes: [UInt8]?
    var failure: ImageCreateStatus?
    var tagIds: [UUID] = []
    var regions: [Region] = []
}

/// Validates and stores create-images batches with the service's per-image statuses.
///
/// Blobs are written and flushed (`BlobStore.putAll`) before the rows of the batch are committed in one transaction,
/// so an acknowledged image is on disk and a crash leaves at worst an orphan blob, which the startup check removes.
struct ImageIngest: Sendable {
    let server: ServerContext
    let view: ImageView

    /// Checks the batch-level limits (before any bytes are decoded).
    static func checkBatch(count: Int, tagIds: [UUID]) throws {
        guard count > 0 else { throw APIError.badRequest("The batch has no images.", code: .badRequestImageBatch) }
        guard count <= ServiceLimits.imagesPerBatch else {
            throw APIError.badRequest(
                "A batch holds at most \(ServiceLimits.imagesPerBatch) images; this one has \(count).",
                code: .badRequestImageBatch)
        }
        guard tagIds.count <= ServiceLimits.tagsPerBatch else {
            throw APIError.badRequest(
                "A batch applies at most \(ServiceLimits.tagsPerBatch) tags.", code: .badRequestExceededBatchSize)
        }
    }

    /// One candidate after validation: its status so far, upright size and digest (when it is to be stored).
    private struct Checked: Sendable {
        var candidate: ImageCandidate
        var status: ImageCreateStatus
        var width = 0
        var height = 0
        var digest: String?
    }

    /// Ingests `candidates` into `project`, applying `batchTags` and `metadata` to each.
    ///
    /// Validation and hashing run on the `WorkerThreads.imageChecks` threads; the batch's new blobs are then appended
    /// to a pack and its rows committed in one transaction, both on `BlockingIO` threads. Items whose bytes could
    /// not be stored get `ErrorStorage` and no row.
    func ingest(
        project: UUID, candidates: [ImageCandidate], batchTags: [UUID], metadata: [String: String] = [:]
    ) async throws -> (Response, ImageCreateSummary) {
        try Self.checkBatch(count: candidates.count, tagIds: batchTags)
        try ImageMetadataLimits.checkBatch(metadata)
        let known = try server.store.read { data -> [UUID: TagType] in
            _ = try data.project(project)
            var types: [UUID: TagType] = [:]
            for t in data.tags(of: project) { types[t.tag.id] = t.tag.type }
            return types
        }
        let mentioned = batchTags + candidates.flatMap { $0.tagIds + $0.regions.map(\.tagId) }
        for id in mentioned where known[id] == nil { throw APIError.tagNotFound(id) }
        var prepared = await checkAll(candidates, project: project, batchTags: batchTags, known: known)
        // Durable bytes first; rows afterwards in one transaction.
        let blobs = server.store.blobs
        let fresh = prepared.compactMap { entry in entry.digest.map { ($0, entry.candidate.bytes ?? []) } }
        do {
            try await BlockingIO.run { try blobs.putAll(fresh) }
        } catch {
            for i in prepared.indices where prepared[i].digest.map(blobs.contains) == false {
                prepared[i].status = .errorStorage
                prepared[i].digest = nil
            }
        }
        let rows = prepared
        let results = try await BlockingIO.run { try commit(rows, project: project, batchTags: batchTags, metadata) }
        let allOK = results.allSatisfy { $0.status == .ok }
        let summary = ImageCreateSummary(isBatchSuccessful: allOK, images: results)
        return (JSONBody.response(summary, status: allOK ? .ok : .multiStatus), summary)
    }

    /// Checks `candidates` on the check threads (so these long stretches of CPU do not hold up other requests'
    /// short steps), in as many slices as there are threads, all at once: a batch is answered sooner when fewer
    /// batches than threads are waiting (an upload's first and last ones). NEU-DET `--no-prep` upload on two cores,
    /// against one slice: 0.251 → 0.244 s and 0.246 → 0.241 s (two series of 14, alternating). Results are in the
    /// candidates' order.
    private func checkAll(
        _ candidates: [ImageCandidate], project: UUID, batchTags: [UUID], known: [UUID: TagType]
    ) async -> [Checked] {
        let executor = WorkerThreads.imageChecks
        let slices = max(1, min(executor.threadCount, candidates.count))
        let size = max(1, (candidates.count + slices - 1) / slices)
        return await withTaskGroup(of: (Int, [Checked]).self) { group in
            for (index, start) in stride(from: 0, to: candidates.count, by: size).enumerated() {
                let slice = candidates[start..<min(start + size, candidates.count)]
                group.addTask(executorPreference: executor) {
                    var checked: [Checked] = []
                    checked.reserveCapacity(slice.count)
                    for candidate in slice {
                        checked.append(await validate(candidate, project: project, batchTags: batchTags, known: known))
                    }
                    return (index, checked)
                }
            }
            var parts = [[Checked]](repeating: [], count: slices)
            for await (index, checked) in group { parts[index] = checked }
            return parts.flatMap { $0 }
        }
    }

    /// Checks one candidate, hashes it and reads its size.
    private func validate(
        _ candidate: ImageCandidate, project: UUID, batchTags: [UUID], known: [UUID: TagType]
    ) async -> Checked {
        var entry = Checked(candidate: candidate, status: check(candidate, batchTags: batchTags, known: known))
        guard entry.status == .ok, let bytes = candidate.bytes else { return entry }
        let digest = SHA256.hex(bytes)
        // Bytes the project already holds were decoded when they were first stored: a re-upload (OKDuplicate) takes
        // their size from that image instead of decoding them again. Should that image be deleted before the commit,
        // the size is still the size of these very bytes, and their blob is still there (blobs no image refers to
        // are removed only when the server starts).
        if let stored = server.store.read({ $0.image(withDigest: digest, in: project) }) {
            (entry.width, entry.height, entry.digest) = (stored.width, stored.height, digest)
            return entry
        }
        // The whole file is decoded, so a damaged one is refused, but a JPEG at 1/8 scale: its entropy data is
        // still read in full while the inverse DCT, colour conversion and pixel buffer shrink 64-fold. A PNG is
        // decoded at full size, so the decode waits for room in the server's pixel budget.
        // A side over the service's largest is ErrorImageSize whatever the pixels hold: told by the header, before a
        // full-size decode (a PNG declaring 60000×60000 included; a JPEG's check decodes at 1/8 and refuses too many
        // pixels from its header alone). A damaged file of small sides stays a format error.
        let sides = ServiceLimits.minImageSide...ServiceLimits.maxImageSide
        do {
            let header = try await server.pixelBudget.validate(bytes) { header in
                if max(header.width, header.height) > sides.upperBound { throw SideOverLimit() }
            }
            (entry.width, entry.height) = header.orientedSize
            if !sides.contains(entry.width) || !sides.contains(entry.height) { entry.status = .errorImageSize }
        } catch is SideOverLimit {
            entry.status = .errorImageSize
        } catch let error as ImagePrepError where error.code == .tooManyPixels {
            entry.status = .errorImageSize
        } catch {
            entry.status = .errorImageFormat
        }
        if entry.status == .ok { entry.digest = digest }
        return entry
    }

    /// Commits the rows of a validated batch in one transaction and returns each item's result.
    private func commit(
        _ prepared: [Checked], project: UUID, batchTags: [UUID], _ metadata: [String: String]
    ) throws -> [ImageCreateResult] {
        try server.store.write { data -> [ImageCreateResult] in
            let now = Date()
            return prepared.map { entry in
                let (candidate, width, height) = (entry.candidate, entry.width, entry.height)
                guard entry.status == .ok, let digest = entry.digest else {
                    return ImageCreateResult(sourceUrl: candidate.sourceUrl, status: entry.status)
                }
                if let record = data.image(withDigest: digest, in: project) {
                    return ImageCreateResult(
                        sourceUrl: candidate.sourceUrl, status: .okDuplicate, image: view.image(record, data))
                }
                guard data.imageCount(of: project) < server.configuration.tier.maxImagesPerProject else {
                    return ImageCreateResult(sourceUrl: candidate.sourceUrl, status: .errorLimitExceed)
                }
                let tags = Array(Set(batchTags + candidate.tagIds)).map { TagAssignment(tagId: $0, created: now) }
                let regions = candidate.regions.map {
                    RegionRecord(
                        regionId: UUID.random(), tagId: $0.tagId, created: now, left: $0.left, top: $0.top,
                        width: $0.width, height: $0.height)
                }
                let record = ImageRecord(
                    id: UUID.random(), projectId: project, created: now, width: width, height: height, blob: digest,
                    tags: tags.sorted { $0.tagId.uppercasedText < $1.tagId.uppercasedText }, regions: regions,
                    metadata: metadata)
                data.put(record)
                return ImageCreateResult(sourceUrl: candidate.sourceUrl, status: .ok, image: view.image(record, data))
            }
        }
    }

    /// The status an image gets before its bytes are decoded.
    private func check(_ c: ImageCandidate, batchTags: [UUID], known: [UUID: TagType]) -> ImageCreateStatus {
        if let failure = c.failure { return failure }
        guard let bytes = c.bytes, !bytes.isEmpty else { return .errorSource }
        guard bytes.count <= ServiceLimits.maxTrainingImageBytes else { return .errorImageSize }
        let tagIds = Set(batchTags + c.tagIds + c.regions.map(\.tagId))
        guard Set(batchTags + c.tagIds).count <= ServiceLimits.tagsPerBatch else { return .errorTagLimitExceed }
        guard c.regions.count <= ServiceLimits.regionsPerBatch else { return .errorRegionLimitExceed }
        let negative = tagIds.contains { known[$0] == .negative }
        if negative, tagIds.count > 1 { return .errorNegativeAndRegularTagOnSameImage }
        for r in c.regions
        where
            !(r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
            && r.left + r.width <= 1.0001 && r.top + r.height <= 1.0001)
        {
            return .errorRegionLimitExceed
        }
        return .ok
    }
}

/// A header's side over the service's largest, refused before a full-size decode.
private struct SideOverLimit: Error {}
