import CustomVisionCore
import CustomVisionServer
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
    @Test func largeJPEGsAreDecodedAtAScaleAndSmallImagesAsTheyAre() async throws {
        let backend = SizeRecordingBackend()
        try await withServer(testConfiguration(backend: backend)) { cv in
            let project = try await cv.createProject()
            let red = try await cv.createTag(project.id, "red")
            let blue = try await cv.createTag(project.id, "blue")
            // 1600×1200 photos for a classifier (128-pixel feature side): 1/4 scale (400×300) is the smallest DCT
            // scale still at least twice that side; 1/8 (200×150) is not.
            let photos = try (0..<5).map { i in
                try ImageEncoder.jpeg(RGBImage(width: 1600, height: 1200, fill: (200, UInt8(20 + 15 * i), 30)))
            }
            _ = try await cv.upload(project.id, photos, tags: [red.id])
            _ = try await cv.upload(project.id, blues(5), tags: [blue.id])
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.status == .completed)
            let sizes = backend.sizes.withLock { $0 }
            #expect(sizes.filter { $0 == [400, 300] }.count == 5, "\(sizes)")
            let small = try ImageHeader.read(blues(1)[0])
            #expect(sizes.filter { $0 == [small.width, small.height] }.count == 5, "\(sizes)")
        }
    }
}
