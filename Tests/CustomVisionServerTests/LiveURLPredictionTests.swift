import CVTestSupport
import CustomVisionCore
import CustomVisionHTTP
import CustomVisionServer
import Foundation
import Testing

@Suite struct LiveURLPredictionTests {
    @Test func predictsFromURLsAndAddsPredictionsAsImages() async throws {
        // The server fetches from its own signed image URLs, so loopback targets must be allowed here.
        try await withLiveServer(testConfiguration(allowLocalURLs: true)) { server in
            let (training, prediction) = clients(server)
            let project = try await training.createProject(
                name: "urls", domainId: UUID(uuidString: "da2e3a8a-40a5-4171-82f4-58522f70fbc1"))
            let tag = try await training.createTag(projectId: project.id, name: "thing")
            let box = Region(tagId: tag.id, left: 0.1, top: 0.1, width: 0.8, height: 0.8)
            let entries = reds(15).enumerated().map {
                ImageFileCreateEntry(name: "\($0.offset)", contents: Data($0.element), regions: [box])
            }
            let uploaded = try await training.createImagesFromFiles(
                projectId: project.id, batch: ImageFileCreateBatch(images: entries))
            let url = try #require(uploaded.images?.first?.image?.originalImageUri)
            let started = try await training.trainProject(projectId: project.id)
            let iteration = try await training.waitForIteration(
                projectId: project.id, iterationId: started.id, timeout: .seconds(60), pollInterval: .milliseconds(20))
            try await training.publishIteration(
                projectId: project.id, iterationId: iteration.id, publishName: "m", predictionId: "r")
            let stored = try await prediction.detectImageUrl(
                projectId: project.id, publishedName: "m", imageUrl: ImageUrl(url: url))
            #expect(stored.predictions?.first?.boundingBox != nil)
            _ = try await prediction.detectImageUrlWithNoStore(
                projectId: project.id, publishedName: "m", imageUrl: ImageUrl(url: url))
            _ = try await prediction.detectImage(
                projectId: project.id, publishedName: "m", imageData: Data(blues(1)[0]))
            let quick = try await training.quickTestImageUrl(
                projectId: project.id, imageUrl: ImageUrl(url: url), iterationId: iteration.id, store: false)
            #expect(quick.iteration == iteration.id)
            await #expect(throws: CustomVisionClientError.self) {
                try await prediction.classifyImageUrl(
                    projectId: project.id, publishedName: "m", imageUrl: ImageUrl(url: url))
            }
            let query = try await training.queryPredictions(projectId: project.id, query: PredictionQueryToken())
            #expect(query.results?.count == 2)  // the two stored ones, not the nostore one nor the quick test
            // CreateImagesFromPredictions turns a stored prediction into a training image (same bytes: a duplicate).
            let fromPredictions = try await training.createImagesFromPredictions(
                projectId: project.id,
                batch: ImageIdCreateBatch(images: (query.results ?? []).map { ImageIdCreateEntry(id: $0.id) }))
            #expect(Set(fromPredictions.images?.compactMap(\.status) ?? []) == [.ok, .okDuplicate])
        }
    }

    @Test func classifiesFromURLs() async throws {
        try await withLiveServer(testConfiguration(allowLocalURLs: true)) { server in
            let (training, prediction) = clients(server)
            let project = try await training.createProject(name: "c")
            let red = try await training.createTag(projectId: project.id, name: "red")
            let blue = try await training.createTag(projectId: project.id, name: "blue")
            let up = try await training.createImagesFromData(
                projectId: project.id, images: reds(6).map { ImageUpload(name: "r", data: Data($0)) }, tagIds: [red.id])
            _ = try await training.createImagesFromData(
                projectId: project.id, images: blues(6).map { ImageUpload(name: "b", data: Data($0)) },
                tagIds: [blue.id])
            let started = try await training.trainProject(projectId: project.id)
            let iteration = try await training.waitForIteration(
                projectId: project.id, iterationId: started.id, timeout: .seconds(60), pollInterval: .milliseconds(20))
            try await training.publishIteration(
                projectId: project.id, iterationId: iteration.id, publishName: "c", predictionId: "r")
            let url = ImageUrl(url: try #require(up.images?.first?.image?.originalImageUri))
            let a = try await prediction.classifyImageUrl(projectId: project.id, publishedName: "c", imageUrl: url)
            let b = try await prediction.classifyImageUrlWithNoStore(
                projectId: project.id, publishedName: "c", imageUrl: url)
            #expect(a.predictions?.first?.tagId == red.id && b.predictions?.first?.tagId == red.id)
        }
    }
}
