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

    /// Model files arrive in project imports from anywhere: sizes or weights that could not come from this trainer
    /// are refused on load. A huge size overflowed and trapped; one larger than the feature vector loaded, then read
    /// past it.
    @Test func rejectsNetworksWhoseSizesDoNotFitTheFeatures() async throws {
        let data = try await Trainer.train(Synthetic.classificationRequest(perClass: 6)).model.serialized()
        let payload = try #require(try JSONSerialization.jsonObject(with: data.dropFirst(8)) as? [String: Any])
        let network = try #require(payload["network"] as? [String: Any])
        let inputs = try #require(network["inputs"] as? Int)
        let hidden = try #require(network["hidden"] as? Int)
        func padded(_ key: String, by count: Int) throws -> String {
            let text = try #require(network[key] as? String)
            var floats = try #require(Data(base64Encoded: text))
            floats.append(Data(count: count * 4))
            return floats.base64EncodedString()
        }
        var wider = network
        wider["inputs"] = inputs + 1
        (wider["mean"], wider["scale"]) = (try padded("mean", by: 1), try padded("scale", by: 1))
        wider["w1"] = try padded("w1", by: hidden)
        var huge = network
        huge["inputs"] = 1 << 62
        // NaN weights loaded and answered NaN probabilities.
        var nan = network
        var b2 = try #require(Data(base64Encoded: try padded("b2", by: 0)))
        b2.replaceSubrange(0..<4, with: withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { Data($0) })
        nan["b2"] = b2.base64EncodedString()
        for tampered in [wider, huge, nan] {
            var file = Data(data.prefix(8))
            file.append(try JSONSerialization.data(withJSONObject: payload.merging(["network": tampered]) { $1 }))
            #expect(throws: TrainingError.self) { try TrainedModel(serialized: file) }
        }
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
