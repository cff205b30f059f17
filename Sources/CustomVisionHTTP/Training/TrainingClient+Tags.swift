import Foundation

extension TrainingClient {
    /// GetTags: the tags of a project (of an iteration when given).
    public func getTags(projectId: UUID, iterationId: UUID? = nil) async throws -> [Tag] {
        var operation = Operation("GetTags", .get, Self.project(projectId) + "/tags")
        operation.query.add("iterationId", iterationId)
        return try await executor.json(operation)
    }

    /// CreateTag: creates a tag (parameters travel in the query; no body).
    /// - Parameter type: `Regular` (default), `Negative` or `GeneralProduct`.
    public func createTag(
        projectId: UUID, name: String, description: String? = nil, type: TagType? = nil
    ) async throws -> Tag {
        var operation = Operation("CreateTag", .post, Self.project(projectId) + "/tags")
        operation.query.add("name", name)
        operation.query.add("description", description)
        operation.query.add("type", type)
        return try await executor.json(operation)
    }

    /// GetTag: one tag.
    public func getTag(projectId: UUID, tagId: UUID, iterationId: UUID? = nil) async throws -> Tag {
        var operation = Operation("GetTag", .get, Self.project(projectId) + "/tags/\(Path.uuid(tagId))")
        operation.query.add("iterationId", iterationId)
        return try await executor.json(operation)
    }

    /// DeleteTag: deletes a tag and removes it from every image (204).
    public func deleteTag(projectId: UUID, tagId: UUID) async throws {
        try await executor.void(Operation("DeleteTag", .delete, Self.project(projectId) + "/tags/\(Path.uuid(tagId))"))
    }

    /// UpdateTag: replaces a tag's name, description and type.
    public func updateTag(projectId: UUID, tagId: UUID, updatedTag: Tag) async throws -> Tag {
        var operation = Operation("UpdateTag", .patch, Self.project(projectId) + "/tags/\(Path.uuid(tagId))")
        operation.body = try RequestExecutor.jsonBody(updatedTag)
        return try await executor.json(operation)
    }
}
