import CustomVisionCore
import Foundation
import Hummingbird

/// QueryPredictions and DeletePrediction over stored predictions.
struct PredictionQueries: Sendable {
    let server: ServerContext

    func register(_ router: Router<BasicRequestContext>) {
        router.post("training/projects/:projectId/predictions/query") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let token = try await request.json(PredictionQueryToken.self)
            let view = ImageView(signer: server.signer, base: request.baseURL)
            return JSONBody.response(try server.store.read { data in try query(token, project, data, view) })
        }
        router.delete("training/projects/:projectId/predictions") { request, context in
            let project = try context.parameters.id("projectId")
            let ids = try Query(request).uuids("ids")
            guard !ids.isEmpty else {
                throw APIError.badRequest("ids is required.", code: .badRequestPredictionIdsMissing)
            }
            guard ids.count <= 64 else {
                throw APIError.badRequest("At most 64 ids.", code: .badRequestPredictionIdsExceededCount)
            }
            try server.store.write { data in
                _ = try data.project(project)
                for id in ids where data.predictions[id]?.projectId == project { data.remove(.prediction, id) }
            }
            return JSONBody.empty()
        }
    }

    private func query(_ token: PredictionQueryToken, _ project: UUID, _ data: StoreData, _ view: ImageView) throws
        -> PredictionQueryResult
    {
        _ = try data.project(project)
        let tags = token.tags ?? []
        guard tags.count <= 2 else {
            throw APIError.badRequest("At most 2 tags.", code: .badRequestPredictionTagsExceededCount)
        }
        let (skip, maxCount) = try TokenPage(
            continuation: token.continuation, maxCount: token.maxCount,
            code: .badRequestPredictionInvalidQueryParameters
        ).bounds
        // The service binds its enums ignoring case, and refuses values it does not know (found by schemathesis:
        // an unknown orderBy was answered 200 and echoed in the token).
        let order = try token.orderBy.map { value in
            guard let known = OrderBy.matching(value.rawValue, in: OrderBy.allKnown) else {
                throw APIError.badRequest(
                    "orderBy '\(value.rawValue.prefix(32))' is not one of Newest, Oldest or Suggested.",
                    code: .badRequestPredictionInvalidQueryParameters)
            }
            return known
        }
        guard tags.allSatisfy({ $0.id != nil }) else {
            throw APIError.badRequest("Each tag needs an id.", code: .badRequestPredictionInvalidQueryParameters)
        }
        let oldest = order == .oldest
        let matching = data.predictions.values.filter { p in
            guard p.projectId == project else { return false }
            if let it = token.iterationId, p.iterationId != it { return false }
            if let application = token.application, p.application != application { return false }
            if let start = token.startTime, p.created < start { return false }
            if let end = token.endTime, p.created > end { return false }
            return tags.allSatisfy { tag in
                p.predictions.contains { pr in
                    pr.tagId == tag.id && (pr.probability ?? 0) >= (tag.minThreshold ?? 0)
                        && (pr.probability ?? 0) <= (tag.maxThreshold ?? 1)
                }
            }
        }.sorted { oldest ? $0.created < $1.created : $0.created > $1.created }
        let page = matching.dropFirst(skip).prefix(maxCount)
        var next = token
        next.orderBy = order
        next.continuation = skip + page.count < matching.count ? String(skip + page.count) : nil
        let results = page.map { p in
            StoredImagePrediction(
                resizedImageUri: view.signer.url(base: view.base, kind: "resized", digest: p.blob),
                thumbnailUri: view.signer.url(base: view.base, kind: "thumbnail", digest: p.blob),
                originalImageUri: view.signer.url(base: view.base, kind: "original", digest: p.blob),
                domain: data.projects[project]?.settings.domainId, id: p.id, project: project, iteration: p.iterationId,
                created: p.created, predictions: p.predictions)
        }
        return PredictionQueryResult(token: next, results: Array(results))
    }
}
