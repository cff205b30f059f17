import CustomVisionCore
import Foundation
import HTTPTypes
import HashTreeCollections
import Hummingbird

/// Creating and deleting images: CreateImagesFromData (multipart or raw), CreateImagesFromFiles, CreateImagesFromUrls,
/// CreateImagesFromPredictions, DeleteImages, UpdateImageMetadata.
struct ImagesController: Sendable {
    let server: ServerContext

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.post("projects/:projectId/images") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let tags = try Query(request).uuids("tagIds")
            let parts = try await request.imageParts(limit: server.configuration.maxBodySize)
            try ImageIngest.checkBatch(count: parts.count, tagIds: tags)
            let candidates = parts.map { ImageCandidate(sourceUrl: $0.filename, bytes: $0.body) }
            return try await ingest(request, project, candidates, tags).0
        }
        group.post("projects/:projectId/images/files") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let batch = try await request.json(ImageFileCreateBatch.self, limit: server.configuration.maxBodySize)
            // The service echoes an entry's name in quotes, as it echoes a multipart file name with its quotes
            // (the CreateImagesFromFiles example: name `hemlock_10.jpg`, sourceUrl `"hemlock_10.jpg"`).
            let candidates = (batch.images ?? []).map {
                ImageCandidate(
                    sourceUrl: $0.name.map { "\"\($0)\"" }, bytes: $0.contents.map { [UInt8]($0) },
                    tagIds: $0.tagIds ?? [], regions: $0.regions ?? [])
            }
            return try await ingest(request, project, candidates, batch.tagIds ?? [], batch.metadata ?? [:]).0
        }
        group.post("projects/:projectId/images/urls") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let batch = try await request.json(ImageUrlCreateBatch.self)
            let entries = batch.images ?? []
            try ImageIngest.checkBatch(count: entries.count, tagIds: batch.tagIds ?? [])
            let candidates = await fetchAll(entries)
            return try await ingest(request, project, candidates, batch.tagIds ?? [], batch.metadata ?? [:]).0
        }
        group.post("projects/:projectId/images/predictions") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let batch = try await request.json(ImageIdCreateBatch.self)
            let candidates = server.store.read { data in
                (batch.images ?? []).map { entry -> ImageCandidate in
                    guard let id = entry.id, let p = data.predictions[id], p.projectId == project else {
                        return ImageCandidate(failure: .errorSource)
                    }
                    return ImageCandidate(
                        sourceUrl: id.lowercasedText, bytes: server.store.blobs.get(p.blob), tagIds: entry.tagIds ?? [],
                        regions: entry.regions ?? [])
                }
            }
            return try await ingest(request, project, candidates, batch.tagIds ?? [], batch.metadata ?? [:]).0
        }
        group.delete("projects/:projectId/images") { request, context in
            let project = try context.parameters.id("projectId")
            let query = Query(request)
            let ids = try query.uuids("imageIds")
            let all = try query.bool("allImages") ?? false
            guard all || !ids.isEmpty else {
                throw APIError.badRequest("imageIds is required.", code: .badRequestRequiredParamIsNull)
            }
            guard ids.count <= ServiceLimits.idsPerDelete else {
                throw APIError.badRequest("At most 256 ids.", code: .badRequestExceededBatchSize)
            }
            try server.store.write { data in
                _ = try data.project(project)
                let targets = all ? data.images(of: project).map(\.id) : ids
                for id in targets where data.images[id]?.projectId == project { data.remove(.image, id) }
            }
            return JSONBody.empty(all ? .accepted : .noContent)
        }
        group.post("projects/:projectId/images/metadata") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let ids = try Query(request).uuids("imageIds")
            let metadata = try await request.json([String: String].self)
            return try updateMetadata(project, ids, metadata)
        }
    }

    private func ingest(
        _ request: Request, _ project: UUID, _ candidates: [ImageCandidate], _ tags: [UUID],
        _ metadata: [String: String] = [:]
    ) async throws -> (Response, ImageCreateSummary) {
        let view = ImageView(signer: server.signer, base: request.baseURL)
        return try await ImageIngest(server: server, view: view).ingest(
            project: project, candidates: candidates, batchTags: tags, metadata: metadata)
    }

    /// The candidates of a URL batch, their images fetched concurrently, in the batch's order; an image that cannot
    /// be fetched gets `ErrorSource`.
    private func fetchAll(_ entries: [ImageUrlCreateEntry]) async -> [ImageCandidate] {
        let fetched = await withTaskGroup(of: (Int, [UInt8]?).self) { group in
            for (i, entry) in entries.enumerated() {
                group.addTask {
                    (i, try? await server.fetcher.fetch(entry.url, limit: ServiceLimits.maxTrainingImageBytes))
                }
            }
            var bytes = [[UInt8]?](repeating: nil, count: entries.count)
            for await (i, result) in group { bytes[i] = result }
            return bytes
        }
        return zip(entries, fetched).map { entry, bytes in
            ImageCandidate(
                sourceUrl: entry.url, bytes: bytes, failure: bytes == nil ? .errorSource : nil,
                tagIds: entry.tagIds ?? [], regions: entry.regions ?? [])
        }
    }

    private func updateMetadata(_ project: UUID, _ ids: [UUID], _ metadata: [String: String]) throws -> Response {
        guard !ids.isEmpty, ids.count <= ServiceLimits.idsPerGet else {
            throw APIError.badRequest("Give 1 to 256 imageIds.", code: .badRequestInvalidIds)
        }
        try ImageMetadataLimits.checkEntries(metadata)
        let entries = try server.store.write { data -> [ImageMetadataUpdateEntry] in
            _ = try data.project(project)
            return ids.map { id in
                guard var image = data.images[id], image.projectId == project else {
                    return ImageMetadataUpdateEntry(imageId: id, status: .errorImageNotFound)
                }
                var merged = image.metadata
                merged.merge(metadata) { $1 }
                guard merged.count <= ImageMetadataLimits.maxPairs else {
                    return ImageMetadataUpdateEntry(
                        imageId: id, status: .errorLimitExceed,
                        metadata: image.metadata)
                }
                image.metadata = merged
                data.put(image)
                return ImageMetadataUpdateEntry(imageId: id, status: .ok, metadata: merged)
            }
        }
        let ok = entries.allSatisfy { $0.status == .ok }
        return JSONBody.response(
            ImageMetadataUpdateSummary(isBatchSuccessful: ok, images: entries),
            status: ok ? .ok : .multiStatus)
    }
}
