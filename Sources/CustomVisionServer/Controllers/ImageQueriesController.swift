import CustomVisionCore
import Foundation
import HTTPTypes
import HashTreeCollections
import Hummingbird

/// Image listings and counts: GetImages, GetImageCount, GetTaggedImages(+Count), GetUntaggedImages(+Count),
/// GetImagesByIds.
struct ImageQueriesController: Sendable {
    let server: ServerContext

    enum Tagging { case any, tagged, untagged }

    /// The `taggingStatus` parameter (All, Tagged or Untagged; absent is All).
    static func tagging(_ query: Query) throws -> Tagging {
        switch try query.choice("taggingStatus", among: ["All", "Tagged", "Untagged"]) {
        case "tagged": .tagged
        case "untagged": .untagged
        default: .any
        }
    }

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.get("projects/:projectId/images") { request, context in
            let query = Query(request)
            let tagging = try Self.tagging(query)
            return try list(request, context, tagging: tagging, tagIds: try query.uuids("tagIds"))
        }
        group.get("projects/:projectId/images/tagged") { request, context in
            try list(request, context, tagging: .tagged, tagIds: try Query(request).uuids("tagIds"))
        }
        group.get("projects/:projectId/images/untagged") { request, context in
            try list(request, context, tagging: .untagged, tagIds: [])
        }
        group.get("projects/:projectId/images/count") { request, context in
            let query = Query(request)
            let tagging = try Self.tagging(query)
            return try count(context, tagging: tagging, tagIds: try query.uuids("tagIds"), query: query)
        }
        group.get("projects/:projectId/images/tagged/count") { request, context in
            let query = Query(request)
            return try count(context, tagging: .tagged, tagIds: try query.uuids("tagIds"), query: query)
        }
        group.get("projects/:projectId/images/untagged/count") { request, context in
            try count(context, tagging: .untagged, tagIds: [], query: Query(request))
        }
        group.get("projects/:projectId/images/id") { request, context in
            let project = try context.parameters.id("projectId")
            let ids = try Query(request).uuids("imageIds")
            guard ids.count <= ServiceLimits.idsPerGet else {
                throw APIError.badRequest("At most 256 ids.", code: .badRequestExceededBatchSize)
            }
            let view = ImageView(signer: server.signer, base: request.baseURL)
            return JSONBody.response(
                try server.store.read { data in
                    _ = try data.project(project)
                    return ids.compactMap { data.images[$0] }.filter { $0.projectId == project }.map {
                        view.image($0, data)
                    }
                })
        }
    }

    private func list(_ request: Request, _ context: BasicRequestContext, tagging: Tagging, tagIds: [UUID]) throws
        -> Response
    {
        let project = try context.parameters.id("projectId")
        let query = Query(request)
        let (skip, take) = try query.paging()
        let oldest = try query.choice("orderBy", among: ["Newest", "Oldest"]) == "oldest"
        let filter = try MetadataFilter(query.string("$filter"))
        let view = ImageView(signer: server.signer, base: request.baseURL)
        return JSONBody.response(
            try server.store.read { data in
                try matching(data, project, tagging, tagIds, filter, query)
                    .sorted { oldest ? $0.created < $1.created : $0.created > $1.created }
                    .dropFirst(skip).prefix(take).map { view.image($0, data) }
            })
    }

    private func count(_ context: BasicRequestContext, tagging: Tagging, tagIds: [UUID], query: Query) throws
        -> Response
    {
        let project = try context.parameters.id("projectId")
        let filter = try MetadataFilter(query.string("$filter"))
        return JSONBody.response(
            try server.store.read { data in
                try matching(data, project, tagging, tagIds, filter, query).count
            })
    }

    private func matching(
        _ data: StoreData, _ project: UUID, _ tagging: Tagging, _ tagIds: [UUID], _ filter: MetadataFilter,
        _ query: Query
    ) throws -> [ImageRecord] {
        _ = try data.project(project)
        guard tagIds.count <= ServiceLimits.tagsPerBatch else {
            throw APIError.badRequest("At most 20 tagIds.", code: .badRequestExceededBatchSize)
        }
        if let iteration = try query.uuid("iterationId") { _ = try data.iteration(iteration, in: project) }
        let wanted = Set(tagIds)
        return data.images(of: project).filter { image in
            switch tagging {
            case .tagged: guard image.isTagged else { return false }
            case .untagged: guard !image.isTagged else { return false }
            case .any: break
            }
            if !wanted.isEmpty, wanted.isDisjoint(with: image.allTagIds) { return false }
            return filter.matches(image.metadata)
        }
    }
}
