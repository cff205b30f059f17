import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct PredictionTests {
    @Test func predictsOnPublishedIterationsAndStoresPredictions() async throws {
        try await withServer { cv in
            let (project, red, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let route = "\(project.id)/classify/iterations/prod/image"
            // Not published yet.
            let early = try await cv.prediction(
                .post, route, body: reds(1, offset: 40)[0], contentType: "application/octet-stream")
            #expect(try cv.error(early, status: .notFound).code == .notFoundIteration)
            let published = try cv.decode(
                Bool.self,
                try await cv.training(
                    .post, "projects/\(project.id)/iterations/\(iteration.id)/publish?publishName=prod&predictionId=res"
                ))
            #expect(published)
            let result = try cv.decode(
                ImagePrediction.self,
                try await cv.prediction(
                    .post, route, body: reds(1, offset: 40)[0], contentType: "application/octet-stream"))
            #expect(result.predictions?.first?.tagId == red.id)
            #expect(result.iteration == iteration.id)
            // The Prediction API v3.0's Prediction has no tagType (the training API's, below, does).
            #expect(result.predictions?.isEmpty == false && result.predictions?.allSatisfy { $0.tagType == nil } == true)
            let v31 = try await cv.prediction(
                .post, route + "/nostore", body: blues(1, offset: 40)[0], contentType: "application/octet-stream",
                version: "v3.1")
            #expect(try cv.decode(ImagePrediction.self, v31).predictions?.first?.tagName == "blue")
            // Classify on a classification project only.
            let detect = try await cv.prediction(.post, "\(project.id)/detect/iterations/prod/image", body: reds(1)[0])
            #expect(try cv.error(detect, status: .badRequest).code == .badRequestNotSupported)
            let bad = try await cv.prediction(.post, route, body: Array("nope".utf8))
            #expect(try cv.error(bad, status: .badRequest).code == .badRequestImageFormat)

            let query = try cv.decode(
                PredictionQueryResult.self,
                try await cv.training(
                    .post, "projects/\(project.id)/predictions/query",
                    json: PredictionQueryToken(iterationId: iteration.id)))
            #expect(query.results?.count == 1)  // the nostore prediction is not kept
            var byApplication = PredictionQueryToken()
            byApplication.application = "other-app"
            let none = try cv.decode(PredictionQueryResult.self, try await cv.training(
                .post, "projects/\(project.id)/predictions/query", json: byApplication))
            #expect(none.results?.isEmpty == true)
            let tagged = try cv.decode(ImagePrediction.self, try await cv.prediction(
                .post, route + "?application=app1", body: reds(1, offset: 41)[0]))
            byApplication.application = "app1"
            let app1 = try cv.decode(PredictionQueryResult.self, try await cv.training(
                .post, "projects/\(project.id)/predictions/query", json: byApplication))
            #expect(app1.results?.map(\.id) == [tagged.id])
            #expect(try await cv.training(.delete, "projects/\(project.id)/predictions?ids=\(tagged.id)").status
                == .noContent)
            let stored = try #require(query.results?.first)
            #expect(stored.id == result.id && stored.originalImageUri != nil)
            #expect(
                try await cv.training(.delete, "projects/\(project.id)/predictions?ids=\(stored.id)").status
                    == .noContent)
            let empty = try cv.decode(
                PredictionQueryResult.self,
                try await cv.training(
                    .post, "projects/\(project.id)/predictions/query", json: PredictionQueryToken()))
            #expect(empty.results?.isEmpty == true)

            #expect(
                try await cv.training(.delete, "projects/\(project.id)/iterations/\(iteration.id)/publish").status
                    == .noContent)
            let after = try await cv.prediction(.post, route, body: reds(1)[0])
            _ = try cv.error(after, status: .notFound)
        }
    }

    @Test func quickTestsAnyCompletedIteration() async throws {
        try await withServer { cv in
            let (project, _, blue) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let result = try cv.decode(
                ImagePrediction.self,
                try await cv.training(
                    .post, "projects/\(project.id)/quicktest/image?iterationId=\(iteration.id)&store=false",
                    body: blues(1, offset: 50)[0], contentType: "application/octet-stream"))
            #expect(result.predictions?.first?.tagId == blue.id)
            #expect(result.predictions?.first?.tagType == .regular)
            let stored = try cv.decode(
                PredictionQueryResult.self,
                try await cv.training(
                    .post, "projects/\(project.id)/predictions/query", json: PredictionQueryToken()))
            #expect(stored.results?.isEmpty == true)
            let refused = try await cv.training(
                .post, "projects/\(project.id)/quicktest/url", json: ImageUrl(url: "http://127.0.0.1:1/x.png"))
            #expect(try cv.error(refused, status: .badRequest).code == .badRequestImageUrl)
        }
    }

    @Test func detectsWithRegionsAndProposesRegions() async throws {
        try await withServer { cv in
            let project = try await cv.createProject(domain: "da2e3a8a-40a5-4171-82f4-58522f70fbc1")
            let tag = try await cv.createTag(project.id, "thing")
            let box = Region(tagId: tag.id, left: 0.1, top: 0.1, width: 0.8, height: 0.8)
            let images = reds(15)
            _ = try await cv.upload(project.id, images, regions: images.map { _ in [box] })
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.status == .completed)
            let performance = try cv.decode(
                IterationPerformance.self,
                try await cv.training(
                    .get, "projects/\(project.id)/iterations/\(iteration.id)/performance?overlapThreshold=0.5"))
            #expect(performance.recall == 1)
            _ = try cv.decode(
                Bool.self,
                try await cv.training(
                    .post, "projects/\(project.id)/iterations/\(iteration.id)/publish?publishName=d&predictionId=r"))
            let result = try cv.decode(
                ImagePrediction.self,
                try await cv.prediction(
                    .post, "\(project.id)/detect/iterations/d/image/nostore", body: reds(1, offset: 60)[0]))
            #expect(result.predictions?.first?.boundingBox != nil)
            let untagged = try #require(try await cv.upload(project.id, blues(1)).images?.first?.image)
            let proposals = try cv.decode(
                ImageRegionProposal.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/\(untagged.id)/regionproposals"))
            #expect(proposals.proposals?.isEmpty == false)
        }
    }

    @Test func suggestsTagsForUntaggedImages() async throws {
        try await withServer { cv in
            let (project, red, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let untagged = try await cv.upload(project.id, reds(2, offset: 70) + blues(1, offset: 70))
            let ids = untagged.images!.compactMap(\.image?.id)
            let suggestions = try cv.decode(
                [SuggestedTagAndRegion].self,
                try await cv.training(
                    .post,
                    "projects/\(project.id)/tagsandregions/suggestions?iterationId=\(iteration.id)&imageIds="
                        + ids.map(\.uuidString).joined(separator: ",")))
            #expect(suggestions.count == 3)
            #expect(suggestions.first?.predictions?.first?.tagId == red.id)
            let query = try cv.decode(
                SuggestedTagAndRegionQuery.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/suggested?iterationId=\(iteration.id)",
                    json: SuggestedTagAndRegionQueryToken(tagIds: [red.id], threshold: 0.6)))
            #expect(query.results?.count == 2)
            let counts = try cv.decode(
                [String: Int].self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/suggested/count?iterationId=\(iteration.id)",
                    json: TagFilter(tagIds: [red.id], threshold: 0.6)))
            #expect(counts[red.id.uuidString.lowercased()] == 2)
        }
    }
}
