import CustomVisionCore
import Foundation
import HTTPTypes
import HashTreeCollections
import Hummingbird

/// Regions and image tags: CreateImageRegions, DeleteImageRegions, CreateImageTags, DeleteImageTags.
struct RegionsController: Sendable {
    let server: ServerContext

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.post("projects/:projectId/images/regions") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let entries = try await request.json(ImageRegionCreateBatch.self).regions ?? []
            guard entries.count <= ServiceLimits.regionsPerBatch else {
                throw APIError.badRequest("At most 64 regions per batch.", code: .badRequestExceededBatchSize)
            }
            let summary = try server.store.write { data in try createRegions(entries, project, &data) }
            let ok = (summary.duplicated ?? []).isEmpty && (summary.exceeded ?? []).isEmpty
            return JSONBody.response(summary, status: ok ? .ok : .multiStatus)
        }
        group.delete("projects/:projectId/images/regions") { request, context in
            let project = try context.parameters.id("projectId")
            let ids = Set(try Query(request).uuids("regionIds"))
            guard !ids.isEmpty, ids.count <= ServiceLimits.regionsPerBatch else {
                throw APIError.badRequest("Give 1 to 64 regionIds.", code: .badRequestInvalidIds)
            }
            try server.store.write { data in
                _ = try data.project(project)
                for var image in data.images(of: project)
                where image.regions.contains(where: { ids.contains($0.regionId) }) {
                    image.regions.removeAll { ids.contains($0.regionId) }
                    data.put(image)
                }
            }
            return JSONBody.empty()
        }
        group.post("projects/:projectId/images/tags") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let entries = try await request.json(ImageTagCreateBatch.self).tags ?? []
            guard entries.count <= ServiceLimits.imageTagsPerBatch else {
                throw APIError.badRequest("At most 128 image tags per batch.", code: .badRequestExceededBatchSize)
            }
            return JSONBody.response(try server.store.write { data in try createTags(entries, project, &data) })
        }
        group.delete("projects/:projectId/images/tags") { request, context in
            let project = try context.parameters.id("projectId")
            let query = Query(request)
            let images = try query.uuids("imageIds")
            let tags = Set(try query.uuids("tagIds"))
            guard !images.isEmpty, images.count <= 64, !tags.isEmpty, tags.count <= ServiceLimits.tagsPerBatch else {
                throw APIError.badRequest("Give 1 to 64 imageIds and 1 to 20 tagIds.", code: .badRequestInvalidIds)
            }
            try server.store.write { data in
                _ = try data.project(project)
                for id in images {
                    guard var image = data.images[id], image.projectId == project else { continue }
                    image.tags.removeAll { tags.contains($0.tagId) }
                    data.put(image)
                }
            }
            return JSONBody.empty()
        }
    }

    private func createRegions(_ entries: [ImageRegionCreateEntry], _ project: UUID, _ data: inout StoreData) throws
        -> ImageRegionCreateSummary
    {
        _ = try data.project(project)
        var created: [ImageRegionCreateResult] = []
        var duplicated: [ImageRegionCreateEntry] = []
        var exceeded: [ImageRegionCreateEntry] = []
        let now = Date()
        for entry in entries {
            guard var image = data.images[entry.imageId], image.projectId == project else {
                throw APIError.imageNotFound(entry.imageId)
            }
            let tag = try data.tag(entry.tagId, in: project)
            let box = BoundingBox(left: entry.left, top: entry.top, width: entry.width, height: entry.height)
            guard entry.width > 0, entry.height > 0, entry.left >= 0, entry.top >= 0,
                entry.left + entry.width <= 1.0001, entry.top + entry.height <= 1.0001
            else { throw APIError.badRequest("Region outside the image.", code: .badRequestImageRegions) }
            if image.regions.contains(where: { $0.tagId == entry.tagId && $0.box == box }) {
                duplicated.append(entry)
                continue
            }
            guard image.regions.count < ServiceLimits.regionsPerBatch else {
                exceeded.append(entry)
                continue
            }
            let region = RegionRecord(
                regionId: UUID.random(), tagId: entry.tagId, created: now, left: entry.left, top: entry.top,
                width: entry.width, height: entry.height)
            image.regions.append(region)
            data.put(image)
            created.append(
                ImageRegionCreateResult(
                    imageId: image.id, regionId: region.regionId, tagName: tag.tag.name, created: now,
                    tagId: entry.tagId, left: entry.left, top: entry.top, width: entry.width, height: entry.height))
        }
        return ImageRegionCreateSummary(created: created, duplicated: duplicated, exceeded: exceeded)
    }

    private func createTags(_ entries: [ImageTagCreateEntry], _ project: UUID, _ data: inout StoreData) throws
        -> ImageTagCreateSummary
    {
        _ = try data.project(project)
        var created: [ImageTagCreateEntry] = []
        var duplicated: [ImageTagCreateEntry] = []
        var exceeded: [ImageTagCreateEntry] = []
        let now = Date()
        for entry in entries {
            guard let imageId = entry.imageId, let tagId = entry.tagId else {
                throw APIError.badRequest("imageId and tagId are required.", code: .badRequestRequiredParamIsNull)
            }
            guard var image = data.images[imageId], image.projectId == project else {
                throw APIError.imageNotFound(imageId)
            }
            let tag = try data.tag(tagId, in: project)
            if image.tags.contains(where: { $0.tagId == tagId }) {
                duplicated.append(entry)
                continue
            }
            let types = image.tags.compactMap { data.tags[$0.tagId]?.tag.type }
            if (tag.tag.type == .negative && !types.isEmpty) || types.contains(.negative) {
                throw APIError.badRequest(
                    "An image cannot carry the negative tag and other tags.",
                    code: .badRequestNegativeAndRegularTagOnSameImage)
            }
            guard image.tags.count < ServiceLimits.tagsPerBatch else {
                exceeded.append(entry)
                continue
            }
            image.tags.append(TagAssignment(tagId: tagId, created: now))
            data.put(image)
            created.append(entry)
        }
        return ImageTagCreateSummary(created: created, duplicated: duplicated, exceeded: exceeded)
    }
}
