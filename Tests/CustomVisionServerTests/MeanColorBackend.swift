import CustomVisionCore
import CustomVisionServer
import CustomVisionTraining
import Foundation
import ImagePrep

/// A small real model for server tests while the package trainer is written elsewhere: the mean colour of each
/// tag; probabilities from a softmax of negative colour distances; detection answers one whole-image box per tag.
/// Evaluation is leave-one-out, so performance comes from images each evaluated model did not see.
struct MeanColorBackend: ModelBackend {
    struct Model: ServedModel, Codable {
        var means: [[Double]]
        var detection: Bool

        func predict(_ image: RGBImage) -> [ModelPrediction] {
            let c = MeanColorBackend.mean(image)
            let scores = means.map { m in exp(-zip(m, c).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() / 20) }
            let total = max(scores.reduce(0, +), 1e-12)
            return scores.enumerated().map {
                ModelPrediction(
                    tag: $0.offset, probability: $0.element / total,
                    box: detection ? BoundingBox(left: 0.1, top: 0.1, width: 0.8, height: 0.8) : nil)
            }
        }

        func serialized() throws -> Data { try JSONEncoder().encode(self) }
    }

    func train(_ request: TrainingRequest) async throws -> TrainedArtifact {
        let detection = request.kind == .detection
        func fit(_ samples: [TrainingSample]) -> Model {
            let means = request.tags.indices.map { tag -> [Double] in
                let of = samples.filter { $0.tags.contains(tag) || $0.regions.contains { $0.tag == tag } }
                let colors = of.map { MeanColorBackend.mean($0.image) }
                return (0..<3).map { i in colors.map { $0[i] }.reduce(0, +) / Double(max(colors.count, 1)) }
            }
            return Model(means: means, detection: detection)
        }
        var evaluation: [EvaluatedImage] = []
        for (i, sample) in request.samples.enumerated() {
            var rest = request.samples
            rest.remove(at: i)
            let predictions = fit(rest).predict(sample.image).map {
                ScoredLabel(tag: request.tags[$0.tag], probability: $0.probability, box: $0.box)
            }
            let truth =
                detection
                ? sample.regions.map { TruthLabel(tag: request.tags[$0.tag], box: $0.box) }
                : sample.tags.map { TruthLabel(tag: request.tags[$0]) }
            evaluation.append(EvaluatedImage(id: sample.id, truth: truth, predictions: predictions))
        }
        return TrainedArtifact(model: fit(request.samples), evaluation: evaluation)
    }

    func load(_ data: Data) throws -> any ServedModel { try JSONDecoder().decode(Model.self, from: data) }

    static func mean(_ image: RGBImage) -> [Double] {
        var sums = [0.0, 0.0, 0.0]
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            for c in 0..<3 { sums[c] += Double(image.pixels[i + c]) }
        }
        let n = Double(max(image.width * image.height, 1))
        return sums.map { $0 / n }
    }
}
