import CustomVisionCore
import CustomVisionTraining
import Foundation
import HashTreeCollections
import Hummingbird
import ImagePrep

/// Suggestions from a trained model: SuggestTagsAndRegions, QuerySuggestedImages, QuerySuggestedImageCount and
/// GetImageRegionProposals.
struct SuggestionsController: Sendable {
    let server: ServerContext

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.post("projects/:projectId/tagsandregions/suggestions") { request, context in
            let project = try context.parameters.id("projectId")
            let query = Query(request)
            let iteration = try iterationRecord(project, try query.uuid("iterationId"))
            let ids = try query.uuids("imageIds")
            guard !ids.isEmpty, ids.count <= 64 else {
                throw APIError.badRequest("Give 1 to 64 imageIds.", code: .badRequestInvalidIds)
            }
            let images = try server.store.read { data in
                try ids.map { id in
                    guard let image = data.images[id], image.projectId == project else {
                        throw APIError.imageNotFound(id)
                    }
                    return image
                }
            }
            var suggestions: [SuggestedTagAndRegion] = []
            for image in images { suggestions.append(try await suggestion(image, iteration).0) }
            return JSONBody.response(suggestions)
        }
        group.post("projects/:projectId/images/suggested") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let iteration = try iterationRecord(project, try Query(request).uuid("iterationId"))
            let token = try await request.json(SuggestedTagAndRegionQueryToken.self)
            let view = ImageView(signer: server.signer, base: request.baseURL)
            let matches = try await suggested(
                project, iteration, tagIds: token.tagIds ?? [], threshold: token.threshold ?? 0)
            let sorted = ordered(matches, by: token.sortBy)
            let (skip, take) = try TokenPage(
                continuation: token.continuation, maxCount: token.maxCount, code: .badRequest
            ).bounds
            let page = sorted.dropFirst(skip).prefix(take)
            var next = token
            next.continuation = skip + page.count < sorted.count ? String(skip + page.count) : nil
            let results = server.store.read { data in
                page.map { scored in
                    let (s, image) = (scored.suggestion, scored.image)
                    let rendered = view.image(image, data)
                    return StoredSuggestedTagAndRegion(
                        width: image.width, height: image.height, resizedImageUri: rendered.resizedImageUri,
                        thumbnailUri: rendered.thumbnailUri, originalImageUri: rendered.originalImageUri,
                        domain: iteration.iteration.domainId, id: image.id, project: project,
                        iteration: iteration.iteration.id, created: image.created, predictions: s.predictions,
                        predictionUncertainty: s.predictionUncertainty)
                }
            }
            return JSONBody.response(SuggestedTagAndRegionQuery(token: next, results: Array(results)))
        }
        group.post("projects/:projectId/images/suggested/count") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let iteration = try iterationRecord(project, try Query(request).uuid("iterationId"))
            let filter = try await request.json(TagFilter.self)
            // The model runs once per untagged image, however many tags are counted.
            let all = try await untaggedSuggestions(project, iteration)
            var counts: [String: Int] = [:]
            for tag in Set(filter.tagIds ?? []) {
                counts[tag.lowercasedText] = hits(all, tagIds: [tag], threshold: filter.threshold ?? 0).count
            }
            return JSONBody.response(counts)
        }
        group.post("projects/:projectId/images/:imageId/regionproposals") { _, context in
            let project = try context.parameters.id("projectId")
            let imageId = try context.parameters.id("imageId")
            let image = try server.store.read { data in
                _ = try data.project(project)
                guard let image = data.images[imageId], image.projectId == project else {
                    throw APIError.imageNotFound(imageId)
                }
                return image
            }
            let latest = server.store.read { $0.iterations(of: project).last { $0.iteration.status == .completed } }
            var proposals: [RegionProposal] = []
            if let latest {
                proposals = try await predictions(image, latest).compactMap { p in
                    p.box.map { RegionProposal(confidence: p.probability, boundingBox: $0) }
                }
            }
            return JSONBody.response(ImageRegionProposal(projectId: project, imageId: imageId, proposals: proposals))
        }
    }

    private func iterationRecord(_ project: UUID, _ id: UUID?) throws -> IterationRecord {
        guard let id else {
            throw APIError.badRequest("iterationId is required.", code: .badRequestRequiredParamIsNull)
        }
        return try server.store.read { data in
            _ = try data.project(project)
            let record = try data.iteration(id, in: project)
            guard record.iteration.status == .completed else {
                throw APIError.badRequest("The iteration is not trained.", code: .badRequestIterationIsNotTrained)
            }
            return record
        }
    }

    private func predictions(_ image: ImageRecord, _ iteration: IterationRecord) async throws -> [ModelPrediction] {
        guard let bytes = server.store.blobs.get(image.blob), let digest = iteration.model else { return [] }
        let rgb = try await Predictor.decode(bytes, for: iteration.inputSize, budget: server.pixelBudget).image
        return try server.models.model(digest).predict(Predictor.atTrainingSize(rgb, iteration.inputSize))
    }

    private func suggestion(_ image: ImageRecord, _ iteration: IterationRecord) async throws -> (
        SuggestedTagAndRegion, [ModelPrediction]
    ) {
        let raw = try await predictions(image, iteration)
        let predictions = raw.compactMap { p -> Prediction? in
            guard iteration.tagIds.indices.contains(p.tag) else { return nil }
            return Prediction(
                probability: p.probability, tagId: iteration.tagIds[p.tag],
                tagName: iteration.tagNames[p.tag], boundingBox: p.box, tagType: .regular)
        }.sorted { ($0.probability ?? 0) > ($1.probability ?? 0) }
        let top = predictions.first?.probability ?? 0
        return (
            SuggestedTagAndRegion(
                id: image.id, project: image.projectId, iteration: iteration.iteration.id,
                created: Date(), predictions: predictions, predictionUncertainty: 1 - top), raw
        )
    }

    /// Untagged images whose suggestions include one of `tagIds` at or above `threshold`.
    private func suggested(
        _ project: UUID, _ iteration: IterationRecord, tagIds: [UUID], threshold: Double
    ) async throws -> [SuggestionCache.Scored] {
        hits(try await untaggedSuggestions(project, iteration), tagIds: tagIds, threshold: threshold)
    }

    /// The suggestions for every untagged image of the project, from the cache while the project's images and tags
    /// are as they were when they were scored.
    private func untaggedSuggestions(_ project: UUID, _ iteration: IterationRecord) async throws
        -> [SuggestionCache.Scored]
    {
        func key(_ revision: UInt64) -> SuggestionCache.Key {
            .init(project: project, iteration: iteration.iteration.id, model: iteration.model ?? "", revision: revision)
        }
        if let cached = server.suggestions.list(key(server.store.read { $0.revision(of: project) })) { return cached }
        let (images, revision) = server.store.read { data in
            (data.images(of: project).filter { !$0.isTagged }, data.revision(of: project))
        }
        var suggestions: [SuggestionCache.Scored] = []
        for image in images {
            suggestions.append(.init(suggestion: try await suggestion(image, iteration).0, image: image))
        }
        server.suggestions.store(suggestions, for: key(revision))
        return suggestions
    }

    /// The suggestions that include one of `tagIds` (any tag when empty) at or above `threshold`.
    private func hits(
        _ suggestions: [SuggestionCache.Scored], tagIds: [UUID], threshold: Double
    ) -> [SuggestionCache.Scored] {
        let wanted = Set(tagIds)
        return suggestions.filter { scored in
            (scored.suggestion.predictions ?? []).contains {
                (wanted.isEmpty || $0.tagId.map(wanted.contains) == true) && ($0.probability ?? 0) >= threshold
            }
        }
    }

    /// `suggestions` in the order a query asks for (newest first by default); ties go by image id, so every page
    /// of a query sees the same order.
    private func ordered(_ suggestions: [SuggestionCache.Scored], by sort: SortBy?) -> [SuggestionCache.Scored] {
        let byUncertainty = sort == .uncertaintyAscending || sort == .uncertaintyDescending
        return suggestions.sorted { a, b in
            let (ua, ub) = (a.suggestion.predictionUncertainty ?? 0, b.suggestion.predictionUncertainty ?? 0)
            if byUncertainty {
                if ua != ub { return (sort == .uncertaintyAscending) == (ua < ub) }
            } else if a.image.created != b.image.created {
                return a.image.created > b.image.created
            }
            return a.image.id.uuidString < b.image.id.uuidString
        }
    }
}
