import Foundation

/// Metrics of a model on images it did not train on, as Custom Vision reports them, plus mAP and top-k extras.
///
/// Overall precision and recall are micro-averaged (all tags' true/false positives pooled); overall
/// `averagePrecision` is the mean of the per-tag APs over tags that have ground truth. A ratio whose denominator is
/// zero (no prediction at the threshold, no ground truth) is reported as 0.
public struct PerformanceReport: Codable, Hashable, Sendable {
    /// What was evaluated.
    public enum Task: String, Codable, Sendable {
        /// Image-level tags.
        case classification
        /// Tagged boxes.
        case detection
    }

    /// Where the standard deviations come from.
    public enum DeviationSource: String, Codable, Sendable {
        /// The spread of the metric across the images' folds (``EvaluatedImage/fold``), when there are ≥ 2 folds.
        case folds
        /// The spread across bootstrap resamples of the images (one held-out split).
        case bootstrap
    }

    /// Classification or detection.
    public var task: Task
    /// The probability at or above which a prediction counts, for precision and recall.
    public var probabilityThreshold: Double
    /// The IoU at or above which a predicted box matches a true one (detection only).
    public var overlapThreshold: Double?
    /// Evaluated images.
    public var imageCount: Int
    /// Distinct folds among the images.
    public var foldCount: Int
    /// How the standard deviations were obtained.
    public var deviationSource: DeviationSource
    /// Resamples used when `deviationSource` is `.bootstrap`.
    public var resampleCount: Int

    /// Precision over every tag at the threshold: true positives over predictions at or above it.
    public var precision: Double
    /// The standard deviation of `precision` (see ``deviationSource``).
    public var precisionStdDeviation: Double
    /// Recall over every tag at the threshold: true positives over ground-truth labels.
    public var recall: Double
    /// The standard deviation of `recall` (see ``deviationSource``).
    public var recallStdDeviation: Double
    /// Mean of the per-tag all-point APs (at `overlapThreshold` for detection).
    public var averagePrecision: Double
    /// Each tag's metrics.
    public var perTag: [TagReport]

    /// Detection: mean AP at IoU 0.30.
    public var meanAveragePrecisionAt30: Double?
    /// Detection: mean AP at IoU 0.50.
    public var meanAveragePrecisionAt50: Double?
    /// Detection: mean AP at IoU 0.75.
    public var meanAveragePrecisionAt75: Double?
    /// Classification: the share of images with ground truth whose best-scored tag is a true tag.
    public var top1Accuracy: Double?
    /// Classification: the share whose five best-scored tags include a true tag.
    public var top5Accuracy: Double?
    /// Which tags were taken for which (see ``ConfusionMatrix``); set by callers that want it (`cvctl evaluate`).
    public var confusionMatrix: ConfusionMatrix? = nil
}

/// Metrics of one tag.
public struct TagReport: Codable, Hashable, Sendable {
    /// The tag's key, as in ``TruthLabel/tag``.
    public var tag: String
    /// Ground-truth labels (images for classification, boxes for detection).
    public var truthCount: Int
    /// Predictions at or above the probability threshold.
    public var predictedCount: Int
    /// Of those, the true positives.
    public var truePositives: Int
    /// The tag's precision at the threshold.
    public var precision: Double
    /// The standard deviation of `precision`.
    public var precisionStdDeviation: Double
    /// The tag's recall at the threshold.
    public var recall: Double
    /// The standard deviation of `recall`.
    public var recallStdDeviation: Double
    /// All-point interpolated AP (at the report's overlap threshold for detection).
    public var averagePrecision: Double
}

extension PerformanceReport {
    /// The report on the wire: per-tag entries get their ids from `tagID` (tags it maps to `nil` are left out) and
    /// their names from `tagName`.
    public func iterationPerformance(
        tagID: (String) -> UUID? = { UUID(uuidString: $0) },
        tagName: (String) -> String? = { _ in nil }
    ) -> IterationPerformance {
        let tags = perTag.compactMap { tag -> TagPerformance? in
            guard let id = tagID(tag.tag) else { return nil }
            return TagPerformance(
                id: id, name: tagName(tag.tag), precision: tag.precision,
                precisionStdDeviation: tag.precisionStdDeviation, recall: tag.recall,
                recallStdDeviation: tag.recallStdDeviation, averagePrecision: tag.averagePrecision)
        }
        return IterationPerformance(
            perTagPerformance: tags, precision: precision, precisionStdDeviation: precisionStdDeviation,
            recall: recall, recallStdDeviation: recallStdDeviation, averagePrecision: averagePrecision)
    }
}
