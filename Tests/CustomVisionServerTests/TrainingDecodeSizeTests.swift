import CustomVisionCore
@testable import CustomVisionServer
import CustomVisionTraining
import Foundation
import ImagePrep
import Synchronization
import Testing

/// ``MeanColorBackend`` that records the size of every image it is asked to train on.
final class SizeRecordingBackend: ModelBackend, Sendable {
    let sizes = Mutex<[[Int]]>([])
    private let inner = MeanColorBackend()

    func train(_ request: TrainingRequest) async throws -> TrainedArtifact {
        sizes.withLock { $0 = request.samples.map { [$0.image.width, $0.image.height] } }
        return try await inner.train(request)
    }

    func load(_ data: Data) throws -> any ServedModel { try inner.load(data) }
}

/// The trainer holds every image for the whole run: large JPEGs are decoded smaller, small images as they are.
@Suite struct TrainingDecodeSizeTests {
    /// Trains a classifier on `photos` (tag "red") and five small images (tag "blue"); the sizes the trainer got.
    private func trainedSizes(_ photos: [[UInt8]]) async throws -> [[Int]] {
        let backend = SizeRecordingBackend()
        try await withServer(testConfiguration(backend: backend)) { cv in
            let project = try await cv.createProject()
            let red = try await cv.createTag(project.id, "red")
            let blue = try await cv.createTag(project.id, "blue")
            _ = try await cv.upload(project.id, photos, tags: [red.id])
            _ = try await cv.upload(project.id, blues(5), tags: [blue.id])
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.status == .completed)
        }
        return backend.sizes.withLock { $0 }
    }

    /// Five 1600×1200 images encoded by `encode`.
    private func photos(_ encode: (RGBImage) throws -> [UInt8]) rethrows -> [[UInt8]] {
        try (0..<5).map { i in try encode(RGBImage(width: 1600, height: 1200, fill: (200, UInt8(20 + 15 * i), 30))) }
    }

    @Test func largeJPEGsAreDecodedAtAScaleAndSmallImagesAsTheyAre() async throws {
        // 1600×1200 photos for a classifier (128-pixel feature side): 1/4 scale (400×300) is the smallest DCT
        // scale still at least twice that side; 1/8 (200×150) is not.
        let sizes = try await trainedSizes(try photos { try ImageEncoder.jpeg($0) })
        #expect(sizes.filter { $0 == [400, 300] }.count == 5, "\(sizes)")
        let small = try ImageHeader.read(blues(1)[0])
        #expect(sizes.filter { $0 == [small.width, small.height] }.count == 5, "\(sizes)")
    }

    @Test func largePNGsAreReducedAsLargeJPEGsAre() async throws {
        // PNG has no DCT scale: decoded whole, then halved while both sides stay at least twice the feature side.
        let sizes = try await trainedSizes(try photos { try ImageEncoder.png($0) })
        #expect(sizes.filter { $0 == [400, 300] }.count == 5, "\(sizes)")
    }

    @Test func reductionStopsBeforeASideFallsBelowTheTarget() {
        let image = RGBImage(width: 2000, height: 600, fill: (1, 2, 3))
        #expect(sizeOf(TrainingScheduler.reduced(image, toAtLeast: 256)) == [1000, 300])
        #expect(sizeOf(TrainingScheduler.reduced(image, toAtLeast: 150)) == [500, 150])
        #expect(sizeOf(TrainingScheduler.reduced(image, toAtLeast: 301)) == [2000, 600])
    }

    private func sizeOf(_ image: RGBImage) -> [Int] { [image.width, image.height] }
}
