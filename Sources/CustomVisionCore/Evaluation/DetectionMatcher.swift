/// Matches predicted boxes of one tag on one image to the ground-truth boxes of that tag, as the VOC devkit's
/// `voc_eval`: predictions in descending score order; each takes the truth it overlaps most; it is a true positive
/// when that overlap reaches the IoU threshold and the truth is not yet taken (each truth is matched at most once),
/// otherwise a false positive.
public enum DetectionMatcher {
    /// Returns, for each prediction in the order given, whether it is a true positive.
    ///
    /// - Parameters:
    ///   - predictions: The predicted boxes with their scores.
    ///   - truths: The ground-truth boxes.
    ///   - overlap: The IoU a match needs (inclusive).
    public static func match(
        predictions: [(score: Double, box: BoundingBox)],
        truths: [BoundingBox],
        overlap: Double
    ) -> [Bool] {
        let order = predictions.indices.sorted {
            predictions[$0].score != predictions[$1].score ? predictions[$0].score > predictions[$1].score : $0 < $1
        }
        var taken = [Bool](repeating: false, count: truths.count)
        var hits = [Bool](repeating: false, count: predictions.count)
        for p in order {
            var best = -1.0
            var bestIndex = -1
            for (t, truth) in truths.enumerated() {
                let iou = predictions[p].box.iou(truth)
                if iou > best {
                    best = iou
                    bestIndex = t
                }
            }
            if bestIndex >= 0, best >= overlap, !taken[bestIndex] {
                taken[bestIndex] = true
                hits[p] = true
            }
        }
        return hits
    }
}
