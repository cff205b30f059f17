import CVTestSupport
import CustomVisionCore
import CustomVisionTraining
import ImagePrep
import Testing

struct TrainingValidationTests {
    func sample(_ i: Int, tags: [Int]) -> TrainingSample {
        TrainingSample(id: "s\(i)", image: RGBImage(width: 8, height: 8, fill: (UInt8(i), 0, 0)), tags: tags)
    }

    @Test func rejectsImagesOfASingleTag() async throws {
        let samples = (0..<10).map { sample($0, tags: [0]) }
        let request = TrainingRequest(kind: .multiclass, tags: ["a", "b"], samples: samples)
        let error = try await #require(throws: TrainingError.self) { try await Trainer.train(request) }
        #expect(error.code == .badRequestMultiClassClassificationTrainingValidationFailed)
    }

    @Test func rejectsTooFewImagesPerTag() async throws {
        let samples = (0..<10).map { sample($0, tags: [0]) } + (0..<3).map { sample(10 + $0, tags: [1]) }
        let request = TrainingRequest(kind: .multilabel, tags: ["a", "b"], samples: samples)
        let error = try await #require(throws: TrainingError.self) { try await Trainer.train(request) }
        #expect(error.code == .badRequestTrainingValidationFailed)
        #expect(error.message.contains("tag b has 3 images"))
    }

    @Test func rejectsDetectionWithoutRegions() async throws {
        let request = TrainingRequest(kind: .detection, tags: ["a"], samples: (0..<20).map { sample($0, tags: []) })
        let error = try await #require(throws: TrainingError.self) { try await Trainer.train(request) }
        #expect(error.code == .badRequestDetectionTrainingValidationFailed)
    }

    @Test func rejectsTwoTagsOnAMulticlassImage() async throws {
        let samples = (0..<10).map { sample($0, tags: [$0 % 2]) } + [sample(10, tags: [0, 1])]
        let request = TrainingRequest(kind: .multiclass, tags: ["a", "b"], samples: samples)
        let error = try await #require(throws: TrainingError.self) { try await Trainer.train(request) }
        #expect(error.code == .badRequestMultiClassClassificationTrainingValidationFailed)
    }
}
