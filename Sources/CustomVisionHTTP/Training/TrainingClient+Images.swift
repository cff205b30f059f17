import Foundation

extension TrainingClient {
    /// CreateImagesFromData: uploads up to 64 images as `multipart/form-data` (field `imageData`).
    /// - Parameters:
    ///   - images: names and bytes (each at most 6 MB).
    ///   - tagIds: tags applied to every image (at most 20).
    /// - Returns: the summary; after a 207 it lists each image's status (`OKDuplicate` is not a failure).
    ///   Retried safely: the service answers `OKDuplicate` for an image it already has.
    public func createImagesFromData(
        projectId: UUID, images: [ImageUpload], tagIds: [UUID]? = nil
    ) async throws -> ImageCreateSummary {
        var operation = Operation(
            "CreateImagesFromData", .post, Self.project(projectId) + "/images", safety: .idempotent)
        try operation.require(!images.isEmpty, "no images to upload")
        try operation.require(images.count <= ServiceLimits.imagesPerBatch, "at most 64 images per batch")
        try operation.require(tagIds, atMost: ServiceLimits.tagsPerBatch, "tagIds")
        operation.query.add("tagIds", tagIds)
        operation.body = .multipart(images.map(\.part))
        return try await executor.json(operation)
    }

    /// CreateImagesFromFiles: uploads up to 64 images as base64 JSON entries, each with its own tags and regions.
    public func createImagesFromFiles(projectId: UUID, batch: ImageFileCreateBatch) async throws -> ImageCreateSummary {
        try await createImages("CreateImagesFromFiles", projectId, "files", count: batch.images?.count,
            tagIds: batch.tagIds, body: .generated(try ImageBatchJSON.body(batch), contentType: "application/json"))
    }

    /// CreateImagesFromFiles as `createImagesFromFiles(projectId:batch:)`, with only each image's status, echoed name
    /// and id read from the answer: what a bulk upload needs, without decoding every stored image's record (its URIs,
    /// tags and regions). The request, its checks and its retries are the same.
    public func createImagesFromFilesOutcomes(
        projectId: UUID, batch: ImageFileCreateBatch
    ) async throws -> ImageCreateOutcomes {
        try await createImages("CreateImagesFromFiles", projectId, "files", count: batch.images?.count,
            tagIds: batch.tagIds, body: .generated(try ImageBatchJSON.body(batch), contentType: "application/json"),
            as: ImageCreateOutcomes.self)
    }

    /// CreateImagesFromUrls: adds up to 64 images the service downloads itself.
    public func createImagesFromUrls(projectId: UUID, batch: ImageUrlCreateBatch) async throws -> ImageCreateSummary {
        try await createImages("CreateImagesFromUrls", projectId, "urls", count: batch.images?.count,
            tagIds: batch.tagIds, body: try RequestExecutor.jsonBody(batch))
    }

    /// CreateImagesFromPredictions: adds images the project already predicted on (by prediction id).
    public func createImagesFromPredictions(
        projectId: UUID, batch: ImageIdCreateBatch
    ) async throws -> ImageCreateSummary {
        try await createImages(
            "CreateImagesFromPredictions", projectId, "predictions", count: batch.images?.count,
            tagIds: batch.tagIds, body: try RequestExecutor.jsonBody(batch))
    }

    /// The JSON image-create batches: 1…64 images and at most 20 batch tags (checked before sending, as
    /// CreateImagesFromData's are; an image's own tags and regions over their limits get that image's status),
    /// safe to retry (duplicates answer `OKDuplicate`).
    private func createImages<Answer: Decodable>(
        _ id: String, _ projectId: UUID, _ suffix: String, count: Int?, tagIds: [UUID]?, body: TransportBody,
        as answer: Answer.Type = ImageCreateSummary.self
    ) async throws -> Answer {
        var operation = Operation(id, .post, Self.project(projectId) + "/images/" + suffix, safety: .idempotent)
        try operation.require((count ?? 0) > 0, "no images to upload")
        try operation.require((count ?? 0) <= ServiceLimits.imagesPerBatch, "at most 64 images per batch")
        try operation.require(tagIds, atMost: ServiceLimits.tagsPerBatch, "tagIds")
        operation.body = body
        return try await executor.json(operation, as: Answer.self)
    }

    /// DeleteImages: deletes up to 256 images, or all of them (`allImages`; the service answers 202).
    public func deleteImages(
        projectId: UUID, imageIds: [UUID]? = nil, allImages: Bool? = nil, allIterations: Bool? = nil
    ) async throws {
        var operation = Operation("DeleteImages", .delete, Self.project(projectId) + "/images")
        try operation.require(imageIds, atMost: ServiceLimits.idsPerDelete, "imageIds")
        operation.query.add("imageIds", imageIds)
        operation.query.add("allImages", allImages)
        operation.query.add("allIterations", allIterations)
        try await executor.void(operation)
    }

    /// UpdateImageMetadata: sets metadata key/values on up to 256 images.
    public func updateImageMetadata(
        projectId: UUID, imageIds: [UUID], metadata: [String: String]
    ) async throws -> ImageMetadataUpdateSummary {
        var operation = Operation(
            "UpdateImageMetadata", .post, Self.project(projectId) + "/images/metadata", safety: .idempotent)
        try operation.require(imageIds, atMost: ServiceLimits.idsPerGet, "imageIds")
        operation.query.add("imageIds", imageIds)
        operation.body = try RequestExecutor.jsonBody(metadata)
        return try await executor.json(operation)
    }

    /// GetImageRegionProposals: object proposals for one image.
    public func getImageRegionProposals(projectId: UUID, imageId: UUID) async throws -> ImageRegionProposal {
        try await executor.json(
            Operation(
                "GetImageRegionProposals", .post,
                Self.project(projectId) + "/images/\(Path.uuid(imageId))/regionproposals", safety: .idempotent))
    }

    /// CreateImageRegions: adds up to 64 regions; duplicates are reported, not repeated.
    public func createImageRegions(
        projectId: UUID, batch: ImageRegionCreateBatch
    ) async throws -> ImageRegionCreateSummary {
        var operation = Operation(
            "CreateImageRegions", .post, Self.project(projectId) + "/images/regions", safety: .idempotent)
        try operation.require((batch.regions?.count ?? 0) <= ServiceLimits.regionsPerBatch, "at most 64 regions")
        operation.body = try RequestExecutor.jsonBody(batch)
        return try await executor.json(operation)
    }

    /// DeleteImageRegions: deletes up to 64 regions.
    public func deleteImageRegions(projectId: UUID, regionIds: [UUID]) async throws {
        var operation = Operation("DeleteImageRegions", .delete, Self.project(projectId) + "/images/regions")
        try operation.require(regionIds, atMost: ServiceLimits.regionsPerBatch, "regionIds")
        operation.query.add("regionIds", regionIds)
        try await executor.void(operation)
    }

    /// CreateImageTags: tags images (up to 128 image/tag pairs); duplicates are reported, not repeated.
    public func createImageTags(projectId: UUID, batch: ImageTagCreateBatch) async throws -> ImageTagCreateSummary {
        var operation = Operation(
            "CreateImageTags", .post, Self.project(projectId) + "/images/tags", safety: .idempotent)
        try operation.require((batch.tags?.count ?? 0) <= ServiceLimits.imageTagsPerBatch, "at most 128 entries")
        operation.body = try RequestExecutor.jsonBody(batch)
        return try await executor.json(operation)
    }

    /// DeleteImageTags: removes tags (up to 20) from images (up to 64).
    public func deleteImageTags(projectId: UUID, imageIds: [UUID], tagIds: [UUID]) async throws {
        var operation = Operation("DeleteImageTags", .delete, Self.project(projectId) + "/images/tags")
        try operation.require(imageIds, atMost: ServiceLimits.imagesPerBatch, "imageIds")
        try operation.require(tagIds, atMost: ServiceLimits.tagsPerBatch, "tagIds")
        operation.query.add("imageIds", imageIds)
        operation.query.add("tagIds", tagIds)
        try await executor.void(operation)
    }
}
