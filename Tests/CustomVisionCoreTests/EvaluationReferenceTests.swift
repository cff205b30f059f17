import CVTestSupport
import CustomVisionCore
import Foundation
import Testing

/// Checks the evaluator against the numbers `scripts/metrics-reference.py` computed with the VOC devkit's rules
/// on the seeded fixtures in `Fixtures/metrics/`.
struct EvaluationReferenceTests {
    struct Reference: Decodable {
        struct DetectionTag: Decodable {
            var ap50: Double
            var precision: Double
            var recall: Double
            var truths: Int
        }
        struct ClassTag: Decodable {
            var ap: Double
            var precision: Double
            var recall: Double
            var truths: Int
        }
        struct Detection: Decodable {
            var perTag: [String: DetectionTag]
            var map: [String: Double]
            var precision: Double
            var recall: Double
        }
        struct Classification: Decodable {
            var perTag: [String: ClassTag]
            var precision: Double
            var recall: Double
            var top1: Double
            var top5: Double
        }
        var detection: Detection
        var classification: Classification
    }

    func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: FixturePaths.fixture("metrics/\(name)"))
        return try JSONDecoder().decode(T.self, from: data)
    }

    @Test func detectionMatchesVOCDevkitReference() throws {
        let images = try load("detection.json", as: [EvaluatedImage].self)
        let reference = try load("reference.json", as: Reference.self).detection
        let report = PerformanceEvaluator(probabilityThreshold: 0.5, overlapThreshold: 0.5)
            .evaluate(images, tags: ["inclusion", "patches", "scratches"])
        #expect(report.task == .detection)
        for tag in report.perTag {
            let expected = try #require(reference.perTag[tag.tag])
            #expect(abs(tag.averagePrecision - expected.ap50) < 1e-9, "AP50 of \(tag.tag)")
            #expect(abs(tag.precision - expected.precision) < 1e-9, "precision of \(tag.tag)")
            #expect(abs(tag.recall - expected.recall) < 1e-9, "recall of \(tag.tag)")
            #expect(tag.truthCount == expected.truths)
        }
        #expect(abs(report.precision - reference.precision) < 1e-9)
        #expect(abs(report.recall - reference.recall) < 1e-9)
        #expect(abs((report.meanAveragePrecisionAt30 ?? -1) - (reference.map["0.3"] ?? -2)) < 1e-9)
        #expect(abs((report.meanAveragePrecisionAt50 ?? -1) - (reference.map["0.5"] ?? -2)) < 1e-9)
        #expect(abs((report.meanAveragePrecisionAt75 ?? -1) - (reference.map["0.75"] ?? -2)) < 1e-9)
        #expect(abs(report.averagePrecision - (reference.map["0.5"] ?? -2)) < 1e-9)
        // Three folds in the fixture: the deviations come from them.
        #expect(report.deviationSource == .folds)
        #expect(report.foldCount == 3)
        #expect(report.precisionStdDeviation > 0)
    }

    @Test func classificationMatchesVOCDevkitReference() throws {
        let images = try load("classification.json", as: [EvaluatedImage].self)
        let reference = try load("reference.json", as: Reference.self).classification
        let report = PerformanceEvaluator(probabilityThreshold: 0.5).evaluate(images)
        #expect(report.task == .classification)
        #expect(report.perTag.count == reference.perTag.count)
        for tag in report.perTag {
            let expected = try #require(reference.perTag[tag.tag])
            #expect(abs(tag.averagePrecision - expected.ap) < 1e-9, "AP of \(tag.tag)")
            #expect(abs(tag.precision - expected.precision) < 1e-9, "precision of \(tag.tag)")
            #expect(abs(tag.recall - expected.recall) < 1e-9, "recall of \(tag.tag)")
            #expect(tag.truthCount == expected.truths)
        }
        #expect(abs(report.precision - reference.precision) < 1e-9)
        #expect(abs(report.recall - reference.recall) < 1e-9)
        #expect(abs((report.top1Accuracy ?? -1) - reference.top1) < 1e-9)
        #expect(abs((report.top5Accuracy ?? -1) - reference.top5) < 1e-9)
        #expect(report.deviationSource == .bootstrap)
        #expect(report.recallStdDeviation > 0)
    }
}
