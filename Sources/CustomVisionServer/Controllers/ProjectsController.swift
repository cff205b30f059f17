import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird

/// Domains and projects: GetDomains, GetDomain, GetProjects, CreateProject, GetProject, UpdateProject,
/// DeleteProject.
struct ProjectsController: Sendable {
    let server: ServerContext

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.get("domains") { _, _ in JSONBody.response(Domains.all) }
        group.get("domains/:domainId") { _, context in
            let id = try context.parameters.id("domainId")
            guard let domain = Domains.domain(id) else { throw APIError.notFound(.notFoundDomain, "Domain not found.") }
            return JSONBody.response(domain)
        }
        group.get("projects") { _, _ in
            JSONBody.response(
                server.store.read { $0.projects.values.sorted { ($0.created ?? .now) < ($1.created ?? .now) } })
        }
        group.post("projects") { request, _ in try create(request) }
        group.get("projects/:projectId") { _, context in
            let id = try context.parameters.id("projectId")
            return JSONBody.response(try server.store.read { try $0.project(id) })
        }
        group.delete("projects/:projectId") { _, context in
            let id = try context.parameters.id("projectId")
            try server.store.write { data in
                _ = try data.project(id)
                data.removeProject(id)
            }
            return JSONBody.empty()
        }
        group.patch("projects/:projectId") { request, context in
            var request = request
            let id = try context.parameters.id("projectId")
            let update = try await request.json(ProjectUpdate.self)
            return JSONBody.response(try server.store.write { data in try apply(update, to: id, in: &data) })
        }
    }

    private func create(_ request: Request) throws -> Response {
        let query = Query(request)
        let name = try query.require("name")
        let domainId = try query.uuid("domainId") ?? Domains.defaultID
        guard let domain = Domains.domain(domainId) else {
            throw APIError.badRequest(
                "Unknown domain \(domainId.lowercasedText).", code: .badRequestProjectUnknownDomain)
        }
        var classification: ClassificationType? = nil
        if domain.type == .classification {
            classification = query.string("classificationType").map(ClassificationType.init(rawValue:)) ?? .multiclass
            guard classification == .multiclass || classification == .multilabel else {
                throw APIError.badRequest("Unknown classification type.", code: .badRequestProjectUnknownClassification)
            }
        }
        let platforms = try query.string("targetExportPlatforms").map(ExportPlatform.validatedList)
        let now = Date()
        let project = Project(
            id: UUID.random(), name: name, description: query.string("description") ?? "",
            settings: ProjectSettings(
                domainId: domainId, classificationType: classification, targetExportPlatforms: platforms ?? [],
                useNegativeSet: true, imageProcessingSettings: ImageProcessingSettings(augmentationMethods: [:])),
            created: now, lastModified: now, drModeEnabled: false, status: .succeeded)
        try server.store.write { data in
            guard data.projects.count < server.configuration.tier.maxProjects else {
                let tier = server.configuration.tier
                throw APIError.badRequest(
                    "The \(tier.name) tier allows \(tier.maxProjects) projects.", code: .badRequestExceedProjectLimit)
            }
            guard !data.projects.values.contains(where: { $0.name == name }) else {
                throw APIError.badRequest("A project named '\(name)' exists.", code: .badRequestProjectNameNotUnique)
            }
            data.put(project)
        }
        return JSONBody.response(project)
    }

    private func apply(_ update: ProjectUpdate, to id: UUID, in data: inout StoreData) throws -> Project {
        var project = try data.project(id)
        if let name = update.name {
            guard !name.isEmpty else {
                throw APIError.badRequest("Project name is empty.", code: .badRequestProjectName)
            }
            guard !data.projects.values.contains(where: { $0.id != id && $0.name == name }) else {
                throw APIError.badRequest("A project named '\(name)' exists.", code: .badRequestProjectNameNotUnique)
            }
            project.name = name
        }
        if let description = update.description { project.description = description }
        if let settings = update.settings {
            if let newDomain = settings.domainId {
                guard let domain = Domains.domain(newDomain) else {
                    throw APIError.badRequest("Unknown domain.", code: .badRequestProjectUnknownDomain)
                }
                let old = project.settings.domainId.flatMap(Domains.domain)
                guard old?.type == domain.type else {
                    throw APIError.badRequest(
                        "Cannot change the domain type.", code: .badRequestProjectUnsupportedDomainTypeChange)
                }
                project.settings.domainId = newDomain
            }
            if let c = settings.classificationType, project.settings.classificationType != nil {
                guard c == .multiclass || c == .multilabel else {
                    throw APIError.badRequest(
                        "Unknown classification type.", code: .badRequestProjectUnknownClassification)
                }
                project.settings.classificationType = c
            }
            if let p = settings.targetExportPlatforms {
                project.settings.targetExportPlatforms = try p.map { try ExportPlatform.validated($0.rawValue) }
            }
            if let n = settings.useNegativeSet { project.settings.useNegativeSet = n }
        }
        project.lastModified = Date()
        data.put(project)
        return project
    }
}

/// UpdateProject's body: a Project whose fields are all optional.
struct ProjectUpdate: Decodable {
    var name: String?
    var description: String?
    var settings: ProjectSettings?
}

extension Parameters {
    /// The path parameter `name` as a UUID; a malformed id is a 400 as the service answers it.
    func id(_ name: String) throws -> UUID {
        guard let text = get(name), let id = UUID(uuidString: text) else {
            throw APIError.badRequest(
                "The id '\(get(name)?.prefix(64) ?? "")' is not valid.", code: .badRequestInvalidIds)
        }
        return id
    }
}
