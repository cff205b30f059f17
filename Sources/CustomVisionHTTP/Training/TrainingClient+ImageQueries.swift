import Foundation

extension TrainingClient {
    /// GetImages: one page of images, filtered.
    /// - Parameters:
    ///   - iterationId: the iteration whose images to list; the workspace by default.
    ///   - tagIds: images having any of these tags (at most 20).
    ///   - taggingStatus: `All`, `Tagged` or `Untagged`.
    ///   - filter: the `$filter` expression on metadata (`key eq 'value'`).
    ///   - orderBy: `Newest` or `Oldest`.
    ///   - take: page size, 0…256 (service default 50).
    ///   - skip: images to skip.
    /// See ``images(projectId:iterationId:tagIds:taggingStatus:filter:orderBy:pageSize:)`` for every page.
    public func getImages(
        projectId: UUID, iterationId: UUID? = nil, tagIds: [UUID]? = nil, taggingStatus: TaggingStatus? = nil,
        filter: String? = nil, orderBy: OrderBy? = nil, take: Int? = nil, skip: Int? = nil
    ) async throws -> [Image] {
        var operation = Operation("GetImages", .get, Self.project(projectId) + "/images")
        try operation.requirePage(take: take, skip: skip)
        try operation.require(tagIds, atMost: ServiceLimits.tagsPerBatch, "tagIds")
        operation.query.add("iterationId", iterationId)
        operation.query.add("tagIds", tagIds)
        operation.query.add("taggingStatus", taggingStatus)
        operation.query.add("$filter", filter)
        operation.query.add("orderBy", orderBy)
        operation.query.add("take", take)
        operation.query.add("skip", skip)
        return try await executor.json(operation)
    }

    /// GetImageCount: the number of images matching the filters.
    public func getImageCount(
        projectId: UUID, iterationId: UUID? = nil, taggingStatus: TaggingStatus? = nil, filter: String? = nil,
        tagIds: [UUID]? = nil
    ) async throws -> Int {
        var operation = Operation("GetImageCount", .get, Self.project(projectId) + "/images/count")
        try operation.require(tagIds, atMost: ServiceLimits.tagsPerBatch, "tagIds")
        operation.query.add("iterationId", iterationId)
        operation.query.add("taggingStatus", taggingStatus)
        operation.query.add("$filter", filter)
        operation.query.add("tagIds", tagIds)
        return try await executor.json(operation)
    }

    /// GetImagesByIds: up to 256 images by id.
    public func getImagesByIds(projectId: UUID, imageIds: [UUID]? = nil, iterationId: UUID? = nil) async throws
        -> [Image]
    {
        var operation = Operation("GetImagesByIds", .get, Self.project(projectId) + "/images/id")
        try operation.require(imageIds, atMost: ServiceLimits.idsPerGet, "imageIds")
        operation.query.add("imageIds", imageIds)
        operation.query.add("iterationId", iterationId)
        return try await executor.json(operation)
    }

    /// GetTaggedImages: one page of tagged images.
    public func getTaggedImages(
        projectId: UUID, iterationId: UUID? = nil, tagIds: [UUID]? = nil, orderBy: OrderBy? = nil, take: Int? = nil,
        skip: Int? = nil
    ) async throws -> [Image] {
        var operation = Operation("GetTaggedImages", .get, Self.project(projectId) + "/images/tagged")
        try operation.requirePage(take: take, skip: skip)
        try operation.require(tagIds, atMost: ServiceLimits.tagsPerBatch, "tagIds")
        operation.query.add("iterationId", iterationId)
        operation.query.add("tagIds", tagIds)
        operation.query.add("orderBy", orderBy)
        operation.query.add("take", take)
        operation.query.add("skip", skip)
        return try await executor.json(operation)
    }

    /// GetTaggedImageCount: the number of tagged images.
    public func getTaggedImageCount(projectId: UUID, iterationId: UUID? = nil, tagIds: [UUID]? = nil) async throws
        -> Int
    {
        var operation = Operation("GetTaggedImageCount", .get, Self.project(projectId) + "/images/tagged/count")
        try operation.require(tagIds, atMost: ServiceLimits.tagsPerBatch, "tagIds")
        operation.query.add("iterationId", iterationId)
        operation.query.add("tagIds", tagIds)
        return try await executor.json(operation)
    }

    /// GetUntaggedImages: one page of untagged images.
    public func getUntaggedImages(
        projectId: UUID, iterationId: UUID? = nil, orderBy: OrderBy? = nil, take: Int? = nil, skip: Int? = nil
    ) async throws -> [Image] {
        var operation = Operation("GetUntaggedImages", .get, Self.project(projectId) + "/images/untagged")
        try operation.requirePage(take: take, skip: skip)
        operation.query.add("iterationId", iterationId)
        operation.query.add("orderBy", orderBy)
        operation.query.add("take", take)
        operation.query.add("skip", skip)
        return try await executor.json(operation)
    }

    /// GetUntaggedImageCount: the number of untagged images.
    public func getUntaggedImageCount(projectId: UUID, iterationId: UUID? = nil) async throws -> Int {
        var operation = Operation("GetUntaggedImageCount", .get, Self.project(projectId) + "/images/untagged/count")
        operation.query.add("iterationId", iterationId)
        return try await executor.json(operation)
    }

    /// QuerySuggestedImages: images with suggested tags and regions (active learning), one page per token.
    public func querySuggestedImages(
        projectId: UUID, iterationId: UUID, query: SuggestedTagAndRegionQueryToken
    ) async throws -> SuggestedTagAndRegionQuery {
        var operation = Operation(
            "QuerySuggestedImages", .post, Self.project(projectId) + "/images/suggested", safety: .idempotent)
        operation.query.add("iterationId", iterationId)
        operation.body = try RequestExecutor.jsonBody(query)
        return try await executor.json(operation)
    }

    /// QuerySuggestedImageCount: per tag id, the number of images with suggestions above the threshold.
    public func querySuggestedImageCount(
        projectId: UUID, iterationId: UUID, query: TagFilter
    ) async throws -> [String: Int] {
        var operation = Operation(
            "QuerySuggestedImageCount", .post, Self.project(projectId) + "/images/suggested/count", safety: .idempotent)
        operation.query.add("iterationId", iterationId)
        operation.body = try RequestExecutor.jsonBody(query)
        return try await executor.json(operation)
    }

    /// SuggestTagsAndRegions: suggestions for up to 64 untagged images.
    public func suggestTagsAndRegions(
        projectId: UUID, iterationId: UUID, imageIds: [UUID]
    ) async throws -> [SuggestedTagAndRegion] {
        var operation = Operation(
            "SuggestTagsAndRegions", .post, Self.project(projectId) + "/tagsandregions/suggestions", safety: .idempotent
        )
        try operation.require(imageIds, atMost: ServiceLimits.imagesPerBatch, "imageIds")
        operation.query.add("iterationId", iterationId)
        operation.query.add("imageIds", imageIds)
        return try await executor.json(operation)
    }
}
