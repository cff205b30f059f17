import CustomVisionCore
import CustomVisionTraining
import Foundation
import HTTPTypes
import ImagePrep
import Testing

@testable import CustomVisionServer

/// A model that answers, for every tag, the width and height of the image it was given (probability
/// `width / 1000`, box width `height / 1000`): what the server hands the model, seen from the API.
private struct SizeReportingBackend: ModelBackend {
    struct Model: ServedModel, Codable {
        var tags: Int
        func predict(_ image: RGBImage) -> [ModelPrediction] {
            (0..<tags).map {
                ModelPrediction(tag: $0, probability: Double(image.width) / 1000,
                    box: BoundingBox(left: 0, top: 0, width: Double(image.height) / 1000, height: 0.5))
            }
        }
        func serialized() throws -> Data { try JSONEncoder().encode(self) }
    }

    func train(_ request: TrainingRequest) async throws -> TrainedArtifact {
        TrainedArtifact(model: Model(tags: request.tags.count), evaluation: [])
    }
    func load(_ data: Data) throws -> any ServedModel { try JSONDecoder().decode(Model.self, from: data) }
}

/// Predictions look at an image at the size the training images shared (texture features are scale-sensitive: a
/// 200×200 original and its 256×256 prepared training copy read differently otherwise).
@Suite struct InputSizeTests {
    @Test func theCommonSizeIsTheOneNineInTenImagesShare() {
        let a = InputSize(width: 256, height: 256), b = InputSize(width: 200, height: 100)
        #expect(InputSize.common(Array(repeating: a, count: 9) + [b]) == a)
        #expect(InputSize.common(Array(repeating: a, count: 8) + [b, b]) == nil)
        #expect(InputSize.common([]) == nil)
        #expect(InputSize.common([InputSize(width: 2048, height: 2048)]) == InputSize(width: 2048, height: 2048))
        #expect(InputSize.common([InputSize(width: 8000, height: 6000)]) == nil, "too large to resize every image to")
    }

    @Test func olderIterationRecordsWithoutASizeStillRead() throws {
        let record = IterationRecord(
            iteration: Iteration(id: UUID(), name: "Iteration 1"), model: nil, tagIds: [], tagNames: [],
            evaluation: [], fingerprint: "f")
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any] ?? [:]
        json["inputSize"] = nil
        let read = try JSONDecoder().decode(IterationRecord.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(read.inputSize == nil && read.fingerprint == "f")
    }

    /// Trains on 60×50 images of one size, then predicts other sizes through the prediction and quick-test routes.
    @Test(arguments: [true, false])
    func predictionsSeeImagesAtTheTrainingImagesSize(uniform: Bool) async throws {
        try await withServer(testConfiguration(backend: SizeReportingBackend())) { cv in
            let project = try await cv.createProject("sizes")
            let red = try await cv.createTag(project.id, "red")
            let blue = try await cv.createTag(project.id, "blue")
            let odd = uniform ? 60 : 72  // three of twelve images another size: no common size
            _ = try await cv.upload(project.id, (0..<6).map { i in
                TestPNG.solid(i < 3 ? odd : 60, 50, rgb: (200, 30, 30), noise: UInt8(i + 1))
            }, tags: [red.id])
            _ = try await cv.upload(project.id, (0..<6).map { i in
                TestPNG.solid(60, 50, rgb: (20, 40, 210), noise: UInt8(i + 1))
            }, tags: [blue.id])
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.status == .completed)
            let result = try cv.decode(
                ImagePrediction.self,
                try await cv.training(
                    .post, "projects/\(project.id)/quicktest/image?store=false",
                    body: TestPNG.solid(96, 120, rgb: (200, 30, 30)), contentType: "application/octet-stream"))
            let seen = try #require(result.predictions?.first)
            let (width, height) = uniform ? (60.0, 50.0) : (96.0, 120.0)
            #expect(abs((seen.probability ?? 0) - width / 1000) < 1e-9)
            #expect(abs((seen.boundingBox?.width ?? 0) - height / 1000) < 1e-9)
        }
    }
}
