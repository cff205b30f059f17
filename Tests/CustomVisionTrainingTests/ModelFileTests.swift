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
