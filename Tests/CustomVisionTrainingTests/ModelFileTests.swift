import CVTestSupport
import CustomVisionCore
import CustomVisionTraining
import Foundation
import ImagePrep
import Testing

struct ModelFileTests {
    @Test func reloadedModelPredictsIdentically() async throws {
        let result = try await Trainer.train(Synthetic.classificationRequest(perClass: 6))
        let data = try result.model.serialized()
        #expect(Array(data.prefix(4)) == Array("CVTM".utf8))
        let loaded = try TrainedModel(serialized: data)
        #expect(loaded.kind == result.model.kind && loaded.tags == result.model.tags)
        for seed in 0..<5 {
            let image = Synthetic.texture(seed % 3, seed: 4000 + UInt64(seed), side: 57)
            #expect(loaded.predict(image) == result.model.predict(image))
        }
        #expect(try loaded.serialized() == data)
    }

    @Test func rejectsForeignAndFutureFiles() throws {
        #expect(throws: TrainingError.self) { try TrainedModel(serialized: Data("not a model".utf8)) }
        var future = Data("CVTM".utf8)
        future.append(contentsOf: [99, 0, 0, 0])
        future.append(Data("{}".utf8))
        let error = try #require(throws: TrainingError.self) { try TrainedModel(serialized: future) }
        #expect(error.message.contains("version 99"))
    }
}

struct DetectionModelFileTests {
    @Test func detectorWithRescorerReloadsAndVersionOneFilesStillLoad() async throws {
        let request = Synthetic.detectionRequest(images: 36)
        let model = try await Trainer.train(request).model
        let data = try model.serialized()
        let loaded = try TrainedModel(serialized: data)
        let images = (0..<3).map { Synthetic.squares(seed: 77_000 + UInt64($0)).0 }
        for image in images { #expect(loaded.predict(image) == model.predict(image)) }
        // A version-1 file: the same payload without the rescorer.
        var payload = try #require(try JSONSerialization.jsonObject(with: data.dropFirst(8)) as? [String: Any])
        #expect(payload["rescorer"] != nil, "the synthetic detector should have learned a rescorer")
        payload["rescorer"] = nil
        var old = Data("CVTM".utf8)
        old.append(contentsOf: [1, 0, 0, 0])
        old.append(try JSONSerialization.data(withJSONObject: payload))
        let first = try TrainedModel(serialized: old)
        for image in images {
            let boxes = first.predict(image)
            #expect(!boxes.isEmpty && boxes.allSatisfy { $0.box != nil })
        }
    }
}
