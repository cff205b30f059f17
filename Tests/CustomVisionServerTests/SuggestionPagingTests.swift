import CVTestSupport
import CustomVisionCore
import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import CustomVisionServer

/// QuerySuggestedImages pages: one scoring of the untagged images serves every page, and a change to the project's
/// images or tags scores them afresh.
@Suite struct SuggestionPagingTests {
    /// Every page of a query from `token` on, followed through its continuations.
    func allPages(
        _ cv: CV, _ project: UUID, _ iteration: UUID, _ token: SuggestedTagAndRegionQueryToken
    ) async throws -> [[StoredSuggestedTagAndRegion]] {
        var token = token
        var pages: [[StoredSuggestedTagAndRegion]] = []
        repeat {
            let page = try cv.decode(
                SuggestedTagAndRegionQuery.self,
                try await cv.training(
                    .post, "projects/\(project)/images/suggested?iterationId=\(iteration)", json: token))
            pages.append(page.results ?? [])
            token.continuation = page.token?.continuation
        } while token.continuation != nil && pages.count <= 100
        return pages
    }

    /// The ids of the project's untagged images.
    func untagged(_ cv: CV, _ project: UUID) async throws -> Set<UUID> {
        let images = try cv.decode(
            [Image].self, try await cv.training(.get, "projects/\(project)/images/untagged?take=256"))
        return Set(images.map(\.id))
    }

    @Test func pagesShareOneScoringAndFollowChangesToTheProject() async throws {
        let backend = CountingBackend()
        try await withServer(testConfiguration(backend: backend)) { cv in
            let (project, red, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id).id
            _ = try await cv.upload(project.id, reds(5, offset: 40) + blues(4, offset: 40))
            var expected = try await untagged(cv, project.id)
            #expect(expected.count == 9)
            backend.predictions.withLock { $0 = 0 }
            // Five pages of two: the model runs once per untagged image, not once per image per page.
            let pages = try await allPages(cv, project.id, iteration, .init(maxCount: 2))
            #expect(pages.map(\.count) == [2, 2, 2, 2, 1])
            #expect(backend.predictions.withLock { $0 } == 9)
            let paged = pages.flatMap { $0 }.map(\.id)
            #expect(paged.count == 9 && Set(paged) == expected)
            // One page of all holds the same order, newest first, without scoring again.
            let whole = try await allPages(cv, project.id, iteration, .init(maxCount: 50))
            #expect(whole.count == 1 && whole[0].map(\.id) == paged)
            let created = whole[0].compactMap(\.created)
            #expect(created.count == 9 && zip(created, created.dropFirst()).allSatisfy { $0 >= $1 })
            // Ordered by uncertainty and filtered by tag and threshold, still from the same scoring.
            let byUncertainty = try await allPages(
                cv, project.id, iteration, .init(maxCount: 3, sortBy: .uncertaintyAscending))
            let uncertainties = byUncertainty.flatMap { $0 }.compactMap(\.predictionUncertainty)
            #expect(uncertainties.count == 9 && zip(uncertainties, uncertainties.dropFirst()).allSatisfy { $0 <= $1 })
            let reddish = try await allPages(
                cv, project.id, iteration, .init(tagIds: [red.id], threshold: 0.6, maxCount: 2))
            let redIds = reddish.flatMap { $0 }.map(\.id)
            #expect(redIds.count == 5 && Set(redIds).count == 5 && Set(redIds).isSubset(of: expected))
            #expect(backend.predictions.withLock { $0 } == 9)

            // A new untagged image is suggested on the next query.
            let added = try #require(try await cv.upload(project.id, reds(1, offset: 60)).images?.first?.image?.id)
            expected.insert(added)
            let afterUpload = try await allPages(cv, project.id, iteration, .init(maxCount: 4)).flatMap { $0 }
            #expect(afterUpload.count == 10 && Set(afterUpload.map(\.id)) == expected)
            // A tagged one no longer is.
            let tagged = try #require(redIds.first)
            let batch = ImageTagCreateBatch(tags: [ImageTagCreateEntry(imageId: tagged, tagId: red.id)])
            _ = try cv.decode(
                ImageTagCreateSummary.self,
                try await cv.training(.post, "projects/\(project.id)/images/tags", json: batch))
            expected.remove(tagged)
            let afterTagging = try await allPages(cv, project.id, iteration, .init(maxCount: 4)).flatMap { $0 }
            #expect(afterTagging.count == 9 && Set(afterTagging.map(\.id)) == expected)
            let counts = try cv.decode(
                [String: Int].self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/suggested/count?iterationId=\(iteration)",
                    json: TagFilter(tagIds: [red.id], threshold: 0.6)))
            #expect(counts[red.id.uuidString.lowercased()] == 5)  // five of six reds are left untagged
        }
    }

    @Test func theCacheStaysWithinItsBounds() {
        let cache = SuggestionCache(maxEntries: 3, maxCost: 20)
        let project = UUID()
        let image = ImageRecord(
            id: UUID(), projectId: project, created: Date(), width: 1, height: 1, blob: "b", tags: [], regions: [],
            metadata: [:])
        let prediction = Prediction(probability: 0.5, tagId: UUID(), tagName: "t", tagType: .regular)
        func list(_ n: Int) -> [SuggestionCache.Scored] {
            (0..<n).map { _ in
                .init(
                    suggestion: SuggestedTagAndRegion(id: image.id, predictions: [prediction]), image: image)
            }
        }
        func key(_ iteration: UUID, revision: UInt64 = 1) -> SuggestionCache.Key {
            .init(project: project, iteration: iteration, model: "m", revision: revision)
        }
        // Many iterations (as a client could make) keep only the most recently used lists.
        let iterations = (0..<10).map { _ in UUID() }
        for iteration in iterations { cache.store(list(2), for: key(iteration)) }
        #expect(cache.size.entries == 3 && cache.size.cost == 12)
        #expect(cache.list(key(iterations[9])) != nil && cache.list(key(iterations[0])) == nil)
        // A newer revision replaces the older list of the same iteration; an older one does not come back.
        cache.store(list(1), for: key(iterations[9], revision: 2))
        #expect(cache.list(key(iterations[9])) == nil && cache.list(key(iterations[9], revision: 2))?.count == 1)
        cache.store(list(2), for: key(iterations[9], revision: 1))
        #expect(cache.list(key(iterations[9])) == nil)
        // The cost bound evicts the least recently used; a list over the whole budget is not kept.
        cache.store(list(9), for: key(UUID()))
        #expect(cache.size.cost <= 20)
        let huge = UUID()
        cache.store(list(11), for: key(huge))
        #expect(cache.list(key(huge)) == nil && cache.size.cost <= 20)
    }
}
