import Foundation

extension TrainingClient {
    /// DeletePrediction: deletes up to 64 stored predictions (204).
    public func deletePrediction(projectId: UUID, ids: [UUID]) async throws {
        var operation = Operation("DeletePrediction", .delete, Self.project(projectId) + "/predictions")
        try operation.require(ids, atMost: ServiceLimits.imagesPerBatch, "ids")
        operation.query.add("ids", ids)
        try await executor.void(operation)
    }

    /// QueryPredictions: stored predictions matching the token (at most 2 tags), one page per token.
    public func queryPredictions(projectId: UUID, query: PredictionQueryToken) async throws -> PredictionQueryResult {
        var operation = Operation(
            "QueryPredictions", .post, Self.project(projectId) + "/predictions/query", safety: .idempotent)
        operation.body = try RequestExecutor.jsonBody(query)
        return try await executor.json(operation)
    }

    /// QuickTestImage: predicts on an image with an iteration, without publishing (multipart `imageData`).
    /// - Parameters:
    ///   - imageData: the encoded image (at most 6 MB).
    ///   - iterationId: the iteration; the latest by default.
    ///   - store: keep the result (service default `true`); only `false` makes the call safe to retry.
    public func quickTestImage(
        projectId: UUID, imageData: Data, iterationId: UUID? = nil, store: Bool? = nil
    ) async throws -> ImagePrediction {
        var operation = Operation(
            "QuickTestImage", .post, Self.project(projectId) + "/quicktest/image",
            safety: store == false ? .idempotent : .unsafe)
        try operation.require(
            imageData.count <= ServiceLimits.maxTrainingImageBytes,
            "the image is \(imageData.count) bytes; at most 6 MB")
        operation.query.add("iterationId", iterationId)
        operation.query.add("store", store)
        operation.body = .multipart([ImageUpload(name: "image", data: imageData).part])
        return try await executor.json(operation)
    }

    /// QuickTestImageUrl: predicts on an image URL with an iteration, without publishing.
    public func quickTestImageUrl(
        projectId: UUID, imageUrl: ImageUrl, iterationId: UUID? = nil, store: Bool? = nil
    ) async throws -> ImagePrediction {
        var operation = Operation(
            "QuickTestImageUrl", .post, Self.project(projectId) + "/quicktest/url",
            safety: store == false ? .idempotent : .unsafe)
        operation.query.add("iterationId", iterationId)
        operation.query.add("store", store)
        operation.body = try RequestExecutor.jsonBody(imageUrl)
        return try await executor.json(operation)
    }
}
