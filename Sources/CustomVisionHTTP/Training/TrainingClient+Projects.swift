import Foundation

extension TrainingClient {
    /// GetDomains: the domains (base models) available.
    public func getDomains() async throws -> [Domain] {
        try await executor.json(Operation("GetDomains", .get, "/domains"))
    }

    /// GetDomain: one domain.
    public func getDomain(domainId: UUID) async throws -> Domain {
        try await executor.json(Operation("GetDomain", .get, "/domains/\(Path.uuid(domainId))"))
    }

    /// GetProjects: every project of the resource.
    public func getProjects() async throws -> [Project] {
        try await executor.json(Operation("GetProjects", .get, "/projects"))
    }

    /// CreateProject: creates a project (all parameters travel in the query; there is no body).
    /// - Parameters:
    ///   - name: the project name.
    ///   - description: a description.
    ///   - domainId: the domain; the service defaults to General (classification).
    ///   - classificationType: `Multiclass` or `Multilabel` for classification domains.
    ///   - targetExportPlatforms: platforms the project should be exportable to (compact domains).
    /// - Returns: the new project. Not retried on ambiguous failures (a repeat would create a second project).
    public func createProject(
        name: String, description: String? = nil, domainId: UUID? = nil,
        classificationType: ClassificationType? = nil, targetExportPlatforms: [ExportPlatform]? = nil
    ) async throws -> Project {
        var operation = Operation("CreateProject", .post, "/projects")
        operation.query.add("name", name)
        operation.query.add("description", description)
        operation.query.add("domainId", domainId)
        operation.query.add("classificationType", classificationType)
        operation.query.add("targetExportPlatforms", targetExportPlatforms)
        return try await executor.json(operation)
    }

    /// GetProject: one project.
    public func getProject(projectId: UUID) async throws -> Project {
        try await executor.json(Operation("GetProject", .get, Self.project(projectId)))
    }

    /// DeleteProject: deletes a project with its images, tags and iterations (204).
    public func deleteProject(projectId: UUID) async throws {
        try await executor.void(Operation("DeleteProject", .delete, Self.project(projectId)))
    }

    /// UpdateProject: replaces a project's name, description and settings.
    public func updateProject(projectId: UUID, updatedProject: Project) async throws -> Project {
        var operation = Operation("UpdateProject", .patch, Self.project(projectId))
        operation.body = try RequestExecutor.jsonBody(updatedProject)
        return try await executor.json(operation)
    }

    /// ExportProject: a token that ImportProject accepts to copy the project.
    public func exportProject(projectId: UUID) async throws -> ProjectExport {
        try await executor.json(Operation("ExportProject", .get, Self.project(projectId) + "/export"))
    }

    /// ImportProject: creates a project from an ExportProject token.
    public func importProject(token: String, name: String? = nil) async throws -> Project {
        var operation = Operation("ImportProject", .post, "/projects/import")
        operation.query.add("token", token)
        operation.query.add("name", name)
        return try await executor.json(operation)
    }

    /// GetArtifact: an artifact's bytes (a relative image or export URI of a VNET resource), in memory.
    public func getArtifact(projectId: UUID, path: String) async throws -> Data {
        var operation = Operation("GetArtifact", .get, Self.project(projectId) + "/artifacts")
        operation.query.add("path", path)
        return try await executor.raw(operation).body
    }

    /// GetArtifact, streamed into a file instead of memory.
    /// - Parameter destination: the file to write; replaced only once the whole body has arrived.
    /// - Returns: `destination`.
    @discardableResult
    public func getArtifact(projectId: UUID, path: String, to destination: URL) async throws -> URL {
        var operation = Operation("GetArtifact", .get, Self.project(projectId) + "/artifacts")
        operation.query.add("path", path)
        operation.downloadDestination = destination
        return try await executor.raw(operation).bodyFile ?? destination
    }
}
