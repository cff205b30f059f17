/// Average precision as the PASCAL VOC 2010+ devkit and Custom Vision compute it: the area under the
/// precision/recall curve after making precision monotonically non-increasing ("all-point interpolation").
public enum AveragePrecision {
    /// All-point interpolated AP of a ranked list.
    ///
    /// - Parameters:
    ///   - hits: For each prediction in descending score order, whether it is a true positive.
    ///   - positives: The number of ground-truth positives (the denominator of recall).
    /// - Returns: AP in 0...1; 0 when there are no positives.
    public static func allPoint(rankedHits hits: [Bool], positives: Int) -> Double {
        guard positives > 0 else { return 0 }
        var recall: [Double] = []
        var precision: [Double] = []
        recall.reserveCapacity(hits.count)
        precision.reserveCapacity(hits.count)
        var tp = 0
        for (i, hit) in hits.enumerated() {
            if hit { tp += 1 }
            recall.append(Double(tp) / Double(positives))
            precision.append(Double(tp) / Double(i + 1))
        }
        return allPoint(recall: recall, precision: precision)
    }

    /// All-point interpolated AP of a precision/recall curve (recall non-decreasing), as VOC's `voc_ap`
    /// with `use_07_metric=False`: sentinels at recall 0 and 1, the precision envelope, then the sum of
    /// `Δrecall × precision` where recall changes.
    public static func allPoint(recall: [Double], precision: [Double]) -> Double {
        precondition(recall.count == precision.count, "AveragePrecision: curve lengths differ")
        let mrec = [0] + recall + [1]
        var mpre = [0] + precision + [0]
        if mpre.count >= 2 {
            for i in stride(from: mpre.count - 2, through: 0, by: -1) { mpre[i] = max(mpre[i], mpre[i + 1]) }
        }
        var ap = 0.0
        for i in 1..<mrec.count where mrec[i] != mrec[i - 1] { ap += (mrec[i] - mrec[i - 1]) * mpre[i] }
        return ap
    }

    /// Sorts scored hits by descending score, ties kept in their given order (a stable sort).
    public static func rank(_ scored: [(score: Double, hit: Bool)]) -> [Bool] {
        scored.enumerated()
            .sorted { a, b in
                a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
            }
            .map(\.element.hit)
    }
}
