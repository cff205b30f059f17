import CVTestSupport
import CustomVisionCore
import Foundation
import Testing

/// Hand-checked cases of the metrics.
struct EvaluationTests {
    @Test func averagePrecisionOfHandRankedList() {
        // Ranked hits T F T F with 3 positives: precision envelope 1, 2/3; recall steps 1/3, 2/3.
        let ap = AveragePrecision.allPoint(rankedHits: [true, false, true, false], positives: 3)
        #expect(abs(ap - (1.0 / 3 + (2.0 / 3) * (1.0 / 3))) < 1e-12)
        #expect(AveragePrecision.allPoint(rankedHits: [true, true], positives: 2) == 1)
        #expect(AveragePrecision.allPoint(rankedHits: [], positives: 0) == 0)
    }

    @Test func matcherTakesEachTruthOnce() {
        let truth = BoundingBox(left: 0.1, top: 0.1, width: 0.4, height: 0.4)
        let near = BoundingBox(left: 0.12, top: 0.1, width: 0.4, height: 0.4)
        let hits = DetectionMatcher.match(
            predictions: [(0.6, near), (0.9, truth)], truths: [truth], overlap: 0.5)
        #expect(hits == [false, true])
    }

    @Test func perfectDetectionScoresOne() {
        let box = BoundingBox(left: 0.2, top: 0.2, width: 0.3, height: 0.3)
        let images = (0..<4).map { i in
            EvaluatedImage(id: "\(i)", fold: i % 2, truth: [TruthLabel(tag: "a", box: box)],
                           predictions: [ScoredLabel(tag: "a", probability: 0.9, box: box)])
        }
        let report = PerformanceEvaluator().evaluate(images)
        #expect(report.precision == 1 && report.recall == 1 && report.averagePrecision == 1)
        #expect(report.meanAveragePrecisionAt75 == 1)
        #expect(report.precisionStdDeviation == 0)
        let wire = report.iterationPerformance(tagID: { _ in UUID() })
        #expect(wire.perTagPerformance?.count == 1 && wire.averagePrecision == 1)
    }

    @Test func reportRoundTripsThroughJSON() throws {
        let images = [EvaluatedImage(id: "x", truth: [TruthLabel(tag: "a")],
                                     predictions: [ScoredLabel(tag: "a", probability: 0.7),
                                                   ScoredLabel(tag: "b", probability: 0.3)])]
        let report = PerformanceEvaluator().evaluate(images)
        let back = try JSONDecoder().decode(PerformanceReport.self, from: JSONEncoder().encode(report))
        #expect(back == report)
        #expect(report.top1Accuracy == 1)
    }
}
