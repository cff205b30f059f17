import CustomVisionCore
import Foundation
import HashTreeCollections
import Hummingbird

/// GetIterationPerformance, GetImagePerformances, GetImagePerformanceCount: from the trainer's held-out evaluation
/// only, never from training images, scored by CustomVisionCore's ``PerformanceEvaluator`` (threshold defaults to
/// 0.5 and overlapThreshold to 0.3, the portal's defaults).
struct PerformanceController: Sendable {
    let server: ServerContext

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.get("projects/:projectId/iterations/:iterationId/performance") { request, context in
            let query = Query(request)
            let threshold = try query.double("threshold") ?? 0.5
            let overlap = try query.double("overlapThreshold") ?? 0.3
            guard (0...1).contains(threshold), (0...1).contains(overlap) else {
                throw APIError.badRequest("Thresholds must be between 0 and 1.")
            }
            let (record, _) = try completed(context)
            let evaluator = PerformanceEvaluator(probabilityThreshold: threshold, overlapThreshold: overlap)
            let names = Dictionary(uniqueKeysWithValues: zip(record.tagIds.map(\.uuidString), record.tagNames))
            let report = evaluator.evaluate(record.evaluation, tags: record.tagIds.map(\.uuidString))
            return JSONBody.response(report.iterationPerformance(tagName: { names[$0] }))
        }
        group.get("projects/:projectId/iterations/:iterationId/performance/images") { request, context in
            let query = Query(request)
            let (skip, take) = try query.paging()
            let items = try evaluated(context, query)
            let oldest = try query.choice("orderBy", among: ["Newest", "Oldest"]) == "oldest"
            let view = ImageView(signer: server.signer, base: request.baseURL)
            let (record, _) = try completed(context)
            let names = Dictionary(uniqueKeysWithValues: zip(record.tagIds.map(\.uuidString), record.tagNames))
            return JSONBody.response(
                server.store.read { data in
                    items.sorted { oldest ? $0.1.created < $1.1.created : $0.1.created > $1.1.created }
                        .dropFirst(skip).prefix(take).map { evaluated, image in
                            let rendered = view.image(image, data)
                            return ImagePerformance(
                                predictions: evaluated.predictions.sorted { $0.probability > $1.probability }.map {
                                    Prediction(
                                        probability: $0.probability, tagId: UUID(uuidString: $0.tag),
                                        tagName: names[$0.tag], boundingBox: $0.box)
                                },
                                id: image.id, created: image.created, width: image.width, height: image.height,
                                imageUri: rendered.originalImageUri, thumbnailUri: rendered.thumbnailUri,
                                tags: rendered.tags, regions: rendered.regions)
                        }
                })
        }
        group.get("projects/:projectId/iterations/:iterationId/performance/images/count") { request, context in
            JSONBody.response(try evaluated(context, Query(request)).count)
        }
    }

    private func completed(_ context: BasicRequestContext) throws -> (IterationRecord, Bool) {
        let project = try context.parameters.id("projectId")
        let id = try context.parameters.id("iterationId")
        return try server.store.read { data in
            let p = try data.project(project)
            let record = try data.iteration(id, in: project)
            guard record.iteration.status == .completed else {
                throw APIError.badRequest("The iteration is not trained.", code: .badRequestIterationIsNotTrained)
            }
            return (record, p.settings.domainId.flatMap(Domains.domain)?.type == .objectDetection)
        }
    }

    /// Held-out images still in the project, filtered by `tagIds` (any of them in the truth).
    private func evaluated(_ context: BasicRequestContext, _ query: Query) throws -> [(EvaluatedImage, ImageRecord)] {
        let (record, _) = try completed(context)
        let tags = Set(try query.uuids("tagIds").map(\.uuidString))
        return server.store.read { data in
            record.evaluation.compactMap { e in
                guard let id = UUID(uuidString: e.id), let image = data.images[id] else { return nil }
                if !tags.isEmpty, tags.isDisjoint(with: e.truth.map(\.tag)) { return nil }
                return (e, image)
            }
        }
    }
}
