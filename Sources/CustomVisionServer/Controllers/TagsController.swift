import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird

/// Tags: GetTags, CreateTag, GetTag, UpdateTag, DeleteTag.
struct TagsController: Sendable {
    let server: ServerContext
    /// Tags per project (the service's S0 limit).
    static let maxTagsPerProject = 500

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.get("projects/:projectId/tags") { request, context in
            let project = try context.parameters.id("projectId")
            let iteration = try Query(request).uuid("iterationId")
            return JSONBody.response(
                try server.store.read { data in
                    _ = try data.project(project)
                    if let iteration { return try tags(of: iteration, in: project, data) }
                    let counts = imageCounts(in: project, data)
                    return data.tags(of: project).map { withCount($0.tag, counts) }
                })
        }
        group.post("projects/:projectId/tags") { request, context in
            let project = try context.parameters.id("projectId")
            let query = Query(request)
            let name = try query.require("name").trimmingCharacters(in: .whitespaces)
            let type = query.string("type").map(TagType.init(rawValue:)) ?? .regular
            guard TagType.allKnown.contains(type) else {
                throw APIError.badRequest("Unknown tag type.", code: .badRequestTagType)
            }
            let tag = Tag(
                id: UUID.random(), name: name, description: query.string("description") ?? "", type: type,
                imageCount: 0)
            try server.store.write { data in
                _ = try data.project(project)
                try validate(tag, project: project, data: data)
                data.put(TagRecord(tag: tag, projectId: project))
            }
            return JSONBody.response(tag)
        }
        group.get("projects/:projectId/tags/:tagId") { request, context in
            let project = try context.parameters.id("projectId")
            let id = try context.parameters.id("tagId")
            let iteration = try Query(request).uuid("iterationId")
            return JSONBody.response(
                try server.store.read { data in
                    _ = try data.project(project)
                    guard let iteration else {
                        return withCount(try data.tag(id, in: project).tag, imageCounts(in: project, data))
                    }
                    guard let tag = try tags(of: iteration, in: project, data).first(where: { $0.id == id }) else {
                        throw APIError.tagNotFound(id)
                    }
                    return tag
                })
        }
        group.patch("projects/:projectId/tags/:tagId") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let id = try context.parameters.id("tagId")
            let update = try await request.json(TagUpdate.self)
            return JSONBody.response(
                try server.store.write { data in
                    _ = try data.project(project)
                    var record = try data.tag(id, in: project)
                    if let name = update.name { record.tag.name = name.trimmingCharacters(in: .whitespaces) }
                    if let d = update.description { record.tag.description = d }
                    if let t = update.type {
                        guard TagType.allKnown.contains(t) else {
                            throw APIError.badRequest("Unknown tag type.", code: .badRequestTagType)
                        }
                        record.tag.type = t
                    }
                    try validate(record.tag, project: project, data: data)
                    data.put(record)
                    return withCount(record.tag, imageCounts(in: project, data))
                })
        }
        group.delete("projects/:projectId/tags/:tagId") { _, context in
            let project = try context.parameters.id("projectId")
            let id = try context.parameters.id("tagId")
            try server.store.write { data in
                _ = try data.project(project)
                _ = try data.tag(id, in: project)
                for var image in data.images(of: project) where image.allTagIds.contains(id) {
                    image.tags.removeAll { $0.tagId == id }
                    image.regions.removeAll { $0.tagId == id }
                    data.put(image)
                }
                data.remove(.tag, id)
            }
            return JSONBody.empty()
        }
    }

    /// The tags `iteration` was trained with (one deleted since keeps the name it had then), each with the number of
    /// its training images that carried it (the project's current counts for iterations recorded before those were
    /// kept).
    private func tags(of iteration: UUID, in project: UUID, _ data: StoreData) throws -> [Tag] {
        let record = try data.iteration(iteration, in: project)
        let counts: [UUID: Int]
        if let trained = record.tagImageCounts, trained.count == record.tagIds.count {
            counts = Dictionary(zip(record.tagIds, trained)) { first, _ in first }
        } else {
            counts = imageCounts(in: project, data)
        }
        return record.tagIds.enumerated().map { i, id in
            data.tags[id].map { withCount($0.tag, counts) }
                ?? Tag(id: id, name: record.tagNames[i], type: .regular, imageCount: 0)
        }
    }

    /// `tag` with its image count from `counts`.
    private func withCount(_ tag: Tag, _ counts: [UUID: Int]) -> Tag {
        var tag = tag
        tag.imageCount = counts[tag.id] ?? 0
        return tag
    }

    /// How many of the project's images carry each tag.
    private func imageCounts(in project: UUID, _ data: StoreData) -> [UUID: Int] {
        data.images(of: project).imageCountsByTag
    }

    private func validate(_ tag: Tag, project: UUID, data: StoreData) throws {
        guard !tag.name.isEmpty, tag.name.count <= 256 else {
            throw APIError.badRequest("Invalid tag name.", code: .badRequestTagName)
        }
        let others = data.tags(of: project).filter { $0.tag.id != tag.id }
        guard !others.contains(where: { $0.tag.name.lowercased() == tag.name.lowercased() }) else {
            throw APIError.badRequest("A tag named '\(tag.name)' exists.", code: .badRequestTagNameNotUnique)
        }
        guard others.count < Self.maxTagsPerProject else {
            throw APIError.badRequest("Too many tags.", code: .badRequestExceedTagPerProjectLimit)
        }
        if tag.type == .negative, others.contains(where: { $0.tag.type == .negative }) {
            throw APIError.badRequest("A project has at most one negative tag.", code: .badRequestMultipleNegativeTag)
        }
        if tag.type == .generalProduct, others.contains(where: { $0.tag.type == .generalProduct }) {
            throw APIError.badRequest("Only one general product tag.", code: .badRequestMultipleGeneralProductTag)
        }
    }
}

/// UpdateTag's body.
struct TagUpdate: Decodable {
    var name: String?
    var description: String?
    var type: TagType?
}
