/// Which tags a model takes for which: how often each true tag was predicted as each tag, at a probability
/// threshold (and, for detection, an IoU overlap). The last row and column stand for no tag: a prediction with no
/// truth under it (a false positive, counted in the last row) and a truth the model did not find (a miss, counted
/// in the last column).
///
/// Classification, per image: a true tag predicted at or above the threshold is counted on the diagonal; the true
/// tags left (in the order of `tags`) are paired with the other tags predicted at or above the threshold (most
/// probable first) and counted as confusions; a true tag left over is a miss, a predicted tag left over a false
/// positive. For one true tag per image this is the usual matrix of true tag against predicted tag.
///
/// Detection, per image: predicted boxes at or above the threshold are paired with true boxes they overlap by at
/// least `overlap` (IoU), whatever the tags: pairs of the same tag first, then by IoU, then by probability, each
/// box in at most one pair (as YOLO's confusion matrix, but a correct box is not lost to a wrong one that overlaps
/// more). A pair counts its true tag against its predicted tag; unpaired boxes are misses and false positives.
public struct ConfusionMatrix: Codable, Hashable, Sendable {
    /// The tags of the rows and columns, in order; a last row and column follow for "no tag".
    public var tags: [String]
    /// `counts[row][column]`: row a true tag (the last, none), column a predicted tag (the last, none).
    public var counts: [[Int]]

    /// A matrix of zeros for `tags`.
    public init(tags: [String]) {
        self.tags = tags
        counts = Array(repeating: Array(repeating: 0, count: tags.count + 1), count: tags.count + 1)
    }

    /// How often true tag `truth` was predicted as `predicted` (nil for no tag).
    public func count(truth: String?, predicted: String?) -> Int {
        counts[index(truth)][index(predicted)]
    }

    private func index(_ tag: String?) -> Int { tag.flatMap { tags.firstIndex(of: $0) } ?? tags.count }

    private mutating func add(truth: String?, predicted: String?) {
        counts[index(truth)][index(predicted)] += 1
    }

    /// The matrix of `images` over `tags` (labels of other tags count as no tag).
    /// - Parameters:
    ///   - threshold: predictions at or above this probability count.
    ///   - overlap: the IoU that pairs a predicted box with a true one (detection).
    public static func of(
        _ images: [EvaluatedImage], tags: [String], threshold: Double, overlap: Double
    ) -> ConfusionMatrix {
        var matrix = ConfusionMatrix(tags: tags)
        for image in images {
            let predictions = image.predictions.filter { $0.probability >= threshold }
            if image.truth.contains(where: { $0.box != nil }) || predictions.contains(where: { $0.box != nil }) {
                matrix.addDetections(truth: image.truth, predictions: predictions, overlap: overlap)
            } else {
                matrix.addClassification(truth: image.truth, predictions: predictions)
            }
        }
        return matrix
    }

    private mutating func addClassification(truth: [TruthLabel], predictions: [ScoredLabel]) {
        var best: [String: Double] = [:]
        for p in predictions { best[p.tag] = max(best[p.tag] ?? 0, p.probability) }
        let trueTags = Set(truth.map(\.tag))
        var missed: [String] = []
        for tag in trueTags.sorted(by: { index($0) != index($1) ? index($0) < index($1) : $0 < $1 }) {
            if best[tag] != nil { add(truth: tag, predicted: tag) } else { missed.append(tag) }
        }
        let extra = best.filter { !trueTags.contains($0.key) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        for i in 0..<max(missed.count, extra.count) {
            add(truth: i < missed.count ? missed[i] : nil, predicted: i < extra.count ? extra[i] : nil)
        }
    }

    private mutating func addDetections(truth: [TruthLabel], predictions: [ScoredLabel], overlap: Double) {
        var pairs: [(truth: Int, prediction: Int, sameTag: Bool, iou: Double, probability: Double)] = []
        for (t, label) in truth.enumerated() {
            guard let box = label.box else { continue }
            for (p, prediction) in predictions.enumerated() {
                guard let predicted = prediction.box else { continue }
                let iou = box.iou(predicted)
                if iou >= overlap {
                    pairs.append((t, p, label.tag == prediction.tag, iou, prediction.probability))
                }
            }
        }
        pairs.sort {
            if $0.sameTag != $1.sameTag { return $0.sameTag }
            if $0.iou != $1.iou { return $0.iou > $1.iou }
            if $0.probability != $1.probability { return $0.probability > $1.probability }
            return ($0.truth, $0.prediction) < ($1.truth, $1.prediction)
        }
        var truthTaken = [Bool](repeating: false, count: truth.count)
        var predictionTaken = [Bool](repeating: false, count: predictions.count)
        for pair in pairs where !truthTaken[pair.truth] && !predictionTaken[pair.prediction] {
            truthTaken[pair.truth] = true
            predictionTaken[pair.prediction] = true
            add(truth: truth[pair.truth].tag, predicted: predictions[pair.prediction].tag)
        }
        for (t, label) in truth.enumerated() where !truthTaken[t] { add(truth: label.tag, predicted: nil) }
        for (p, prediction) in predictions.enumerated() where !predictionTaken[p] {
            add(truth: nil, predicted: prediction.tag)
        }
    }
}
