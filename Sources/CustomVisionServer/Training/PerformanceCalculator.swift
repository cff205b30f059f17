import CustomVisionCore
import Foundation

/// Precision, recall and average precision per tag from a trainer's held-out evaluation.
///
/// Classification: a prediction at or above `threshold` is positive. Detection: predictions are matched greedily, in
/// descending probability, to unmatched truth boxes of the same tag with IoU ≥ `overlapThreshold`. Average
/// precision is the area under the ranked precision/recall curve over all predictions (any probability).
/// Overall precision and recall are micro-averaged; overall AP is the mean of the per-tag APs (mAP).
/// (Until the shared evaluator of CustomVisionCore/Evaluation lands, this is the server's own.)
struct PerformanceCalculator: Sendable {
    struct Scores: Sendable {
        var tp = 0
        var fp = 0
        var fn = 0
        var averagePrecision = 0.0
        var precision: Double { tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp) }
        var recall: Double { tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn) }
    }

    var threshold: Double
    var overlapThreshold: Double
    var detection: Bool

    /// Scores for `tag` over `images`.
    func scores(tag: String, images: [EvaluatedImage]) -> Scores {
        var s = Scores()
        var ranked: [(Double, Bool)] = []
        var positives = 0
        for image in images {
            let truths = image.truth.filter { $0.tag == tag }
            positives += detection ? truths.count : (truths.isEmpty ? 0 : 1)
            let predictions = image.predictions.filter { $0.tag == tag }.sorted { $0.probability > $1.probability }
            if detection {
                var used = Set<Int>()
                var matchedAbove = 0
                for p in predictions {
                    let match = bestMatch(p, truths, excluding: used)
                    if let match { used.insert(match) }
                    ranked.append((p.probability, match != nil))
                    guard p.probability >= threshold else { continue }
                    if match != nil {
                        s.tp += 1
                        matchedAbove += 1
                    } else {
                        s.fp += 1
                    }
                }
                s.fn += truths.count - matchedAbove
            } else {
                let p = predictions.first?.probability ?? 0
                ranked.append((p, !truths.isEmpty))
                if p >= threshold { truths.isEmpty ? (s.fp += 1) : (s.tp += 1) }
                else if !truths.isEmpty { s.fn += 1 }
            }
        }
        s.averagePrecision = Self.averagePrecision(ranked, positives: positives)
        return s
    }

    /// The unmatched truth box of highest IoU ≥ the overlap threshold.
    private func bestMatch(_ p: ScoredLabel, _ truths: [TruthLabel], excluding used: Set<Int>) -> Int? {
        guard let a = p.box else { return nil }
        var best: Int?
        var bestIoU = overlapThreshold
        for (i, t) in truths.enumerated() where !used.contains(i) {
            guard let b = t.box else { continue }
            let iou = a.iou(b)
            if iou >= bestIoU {
                best = i
                bestIoU = iou
            }
        }
        return best
    }

    private static func averagePrecision(_ ranked: [(Double, Bool)], positives: Int) -> Double {
        guard positives > 0 else { return 0 }
        var hits = 0
        var sum = 0.0
        for (k, entry) in ranked.sorted(by: { $0.0 > $1.0 }).enumerated() where entry.1 {
            hits += 1
            sum += Double(hits) / Double(k + 1)
        }
        return sum / Double(positives)
    }

    /// The service's IterationPerformance for `tags` (id, name).
    func performance(tags: [(UUID, String)], images: [EvaluatedImage]) -> IterationPerformance {
        var total = Scores()
        var perTag: [TagPerformance] = []
        var aps: [Double] = []
        for (id, name) in tags {
            let s = scores(tag: id.uuidString, images: images)
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
            aps.append(s.averagePrecision)
            perTag.append(
                TagPerformance(
                    id: id, name: name, precision: s.precision, precisionStdDeviation: 0, recall: s.recall,
                    recallStdDeviation: 0, averagePrecision: s.averagePrecision))
        }
        return IterationPerformance(
            perTagPerformance: perTag, precision: total.precision, precisionStdDeviation: 0, recall: total.recall,
            recallStdDeviation: 0, averagePrecision: aps.isEmpty ? 0 : aps.reduce(0, +) / Double(aps.count))
    }
}
