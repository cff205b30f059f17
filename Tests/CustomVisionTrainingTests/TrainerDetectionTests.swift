import CVTestSupport
import CustomVisionCore
import CustomVisionTraining
import ImagePrep
import Testing

struct TrainerDetectionTests {
    @Test func detectorFindsBrightAndDarkSquares() async throws {
        let request = Synthetic.detectionRequest(images: 40)
        let result = try await Trainer.train(request)
        #expect(result.model.kind == .detection)
        #expect(result.evaluation.allSatisfy { $0.predictions.allSatisfy { $0.box != nil } })
        // Fresh images, scored with the evaluator.
        let fresh = (0..<30).map { i -> EvaluatedImage in
            let (image, boxes) = Synthetic.squares(seed: 123_000 + UInt64(i))
            let predictions = result.model.predict(image)
            return EvaluatedImage(
                id: "\(i)", truth: boxes.map { TruthLabel(tag: request.tags[$0.tag], box: $0.box) },
                predictions: predictions.map {
                    ScoredLabel(tag: request.tags[$0.tag], probability: $0.probability, box: $0.box)
                })
        }
        let report = PerformanceEvaluator().evaluate(fresh, tags: request.tags)
        let map50 = try #require(report.meanAveragePrecisionAt50)
        #expect(map50 >= 0.6, "mAP@50 on fresh images: \(map50)")
        #expect((result.performance.meanAveragePrecisionAt50 ?? 0) >= 0.4)
    }
}
