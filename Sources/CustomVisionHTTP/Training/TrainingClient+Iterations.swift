import Foundation

extension TrainingClient {
    /// GetIterations: every iteration of a project.
    public func getIterations(projectId: UUID) async throws -> [Iteration] {
        try await executor.json(Operation("GetIterations", .get, Self.project(projectId) + "/iterations"))
    }

    /// GetIteration: one iteration (poll its `status` while it trains; see ``waitForIteration``).
    public func getIteration(projectId: UUID, iterationId: UUID) async throws -> Iteration {
        try await executor.json(Operation("GetIteration", .get, Self.iteration(projectId, iterationId)))
    }

    /// DeleteIteration: deletes an unpublished iteration (204).
    public func deleteIteration(projectId: UUID, iterationId: UUID) async throws {
        try await executor.void(Operation("DeleteIteration", .delete, Self.iteration(projectId, iterationId)))
    }

    /// UpdateIteration: renames an iteration (only `name` is writable).
    public func updateIteration(projectId: UUID, iterationId: UUID, updatedIteration: Iteration) async throws
        -> Iteration
    {
        var operation = Operation("UpdateIteration", .patch, Self.iteration(projectId, iterationId))
        operation.body = try RequestExecutor.jsonBody(updatedIteration)
        return try await executor.json(operation)
    }

    /// TrainProject: queues training; returns the new iteration with status `Training`.
    /// - Parameters:
    ///   - trainingType: `Regular` (default) or `Advanced`.
    ///   - reservedBudgetInHours: the advanced-training budget.
    ///   - forceTrain: train even when nothing changed since the last iteration.
    ///   - notificationEmailAddress: who is mailed when training ends.
    ///   - trainingParameters: restricts training to `selectedTags` (sent as the JSON body when given).
    /// - Returns: the iteration. Never retried after an ambiguous failure (it could start a second training).
    public func trainProject(
        projectId: UUID, trainingType: TrainingType? = nil, reservedBudgetInHours: Int? = nil,
        forceTrain: Bool? = nil, notificationEmailAddress: String? = nil,
        trainingParameters: TrainingParameters? = nil
    ) async throws -> Iteration {
        var operation = Operation("TrainProject", .post, Self.project(projectId) + "/train")
        operation.query.add("trainingType", trainingType)
        operation.query.add("reservedBudgetInHours", reservedBudgetInHours)
        operation.query.add("forceTrain", forceTrain)
        operation.query.add("notificationEmailAddress", notificationEmailAddress)
        if let trainingParameters { operation.body = try RequestExecutor.jsonBody(trainingParameters) }
        return try await executor.json(operation)
    }

    /// PublishIteration: makes an iteration available to the Prediction API under `publishName`.
    /// - Parameters:
    ///   - publishName: the name prediction calls use (`publishedName`).
    ///   - predictionId: the ARM resource id of the prediction resource.
    ///   - overwrite: replace a publication of the same name.
    /// - Returns: `true` when published.
    @discardableResult
    public func publishIteration(
        projectId: UUID, iterationId: UUID, publishName: String, predictionId: String, overwrite: Bool? = nil
    ) async throws -> Bool {
        var operation = Operation("PublishIteration", .post, Self.iteration(projectId, iterationId) + "/publish")
        operation.query.add("publishName", publishName)
        operation.query.add("predictionId", predictionId)
        operation.query.add("overwrite", overwrite)
        return try await executor.json(operation)
    }

    /// UnpublishIteration: withdraws an iteration from the Prediction API (204).
    public func unpublishIteration(projectId: UUID, iterationId: UUID) async throws {
        try await executor.void(
            Operation("UnpublishIteration", .delete, Self.iteration(projectId, iterationId) + "/publish"))
    }

    /// GetIterationPerformance: precision, recall and average precision, overall and per tag.
    /// - Parameters:
    ///   - threshold: the probability above which a prediction counts (portal default 0.5).
    ///   - overlapThreshold: the IoU above which a detection matches (portal default 0.3).
    public func getIterationPerformance(
        projectId: UUID, iterationId: UUID, threshold: Double? = nil, overlapThreshold: Double? = nil
    ) async throws -> IterationPerformance {
        var operation = Operation(
            "GetIterationPerformance", .get, Self.iteration(projectId, iterationId) + "/performance")
        operation.query.add("threshold", threshold)
        operation.query.add("overlapThreshold", overlapThreshold)
        return try await executor.json(operation)
    }

    /// GetImagePerformances: one page of images with the iteration's predictions on them.
    public func getImagePerformances(
        projectId: UUID, iterationId: UUID, tagIds: [UUID]? = nil, orderBy: OrderBy? = nil, take: Int? = nil,
        skip: Int? = nil
    ) async throws -> [ImagePerformance] {
        var operation = Operation(
            "GetImagePerformances", .get, Self.iteration(projectId, iterationId) + "/performance/images")
        try operation.requirePage(take: take, skip: skip)
        try operation.require(tagIds, atMost: ServiceLimits.tagsPerBatch, "tagIds")
        operation.query.add("tagIds", tagIds)
        operation.query.add("orderBy", orderBy)
        operation.query.add("take", take)
        operation.query.add("skip", skip)
        return try await executor.json(operation)
    }

    /// GetImagePerformanceCount: the number of images GetImagePerformances lists.
    public func getImagePerformanceCount(projectId: UUID, iterationId: UUID, tagIds: [UUID]? = nil) async throws -> Int
    {
        var operation = Operation(
            "GetImagePerformanceCount", .get, Self.iteration(projectId, iterationId) + "/performance/images/count")
        try operation.require(tagIds, atMost: ServiceLimits.tagsPerBatch, "tagIds")
        operation.query.add("tagIds", tagIds)
        return try await executor.json(operation)
    }

    /// GetExports: the exports of an iteration and their status.
    public func getExports(projectId: UUID, iterationId: UUID) async throws -> [Export] {
        try await executor.json(Operation("GetExports", .get, Self.iteration(projectId, iterationId) + "/export"))
    }

    /// ExportIteration: starts exporting an iteration; poll with ``waitForExport``.
    /// - Parameters:
    ///   - platform: `CoreML`, `TensorFlow`, `DockerFile`, `ONNX` or `VAIDK`.
    ///   - flavor: the platform's variant (`Linux`, `ONNX12`, `TensorFlowLite`, …).
    public func exportIteration(
        projectId: UUID, iterationId: UUID, platform: ExportPlatform, flavor: ExportFlavor? = nil
    ) async throws -> Export {
        var operation = Operation("ExportIteration", .post, Self.iteration(projectId, iterationId) + "/export")
        operation.query.add("platform", platform)
        operation.query.add("flavor", flavor)
        return try await executor.json(operation)
    }
}
