/// True/false positive counts at the probability threshold, per tag and pooled.
struct Counts {
    struct Tally {
        var truths = 0
        var predicted = 0
        var tp = 0
        var precision: Double? { predicted > 0 ? Double(tp) / Double(predicted) : nil }
        var recall: Double? { truths > 0 ? Double(tp) / Double(truths) : nil }
    }
    var tags: [Tally]
    var total: Tally
}

extension PerformanceEvaluator {
    func counts(_ images: [EvaluatedImage], tags: [String], detection: Bool) -> Counts {
        var result = Counts(tags: Array(repeating: Counts.Tally(), count: tags.count), total: Counts.Tally())
        for image in images {
            for (i, tag) in tags.enumerated() {
                var tally = result.tags[i]
                if detection {
                    let truths = image.truth.filter { $0.tag == tag }.compactMap(\.box)
                    let preds = image.predictions
                        .filter { $0.tag == tag && $0.probability >= probabilityThreshold }
                        .compactMap { p in p.box.map { (p.probability, $0) } }
                    let hits = DetectionMatcher.match(predictions: preds, truths: truths, overlap: overlapThreshold)
                    tally.truths += truths.count
                    tally.predicted += preds.count
                    tally.tp += hits.filter { $0 }.count
                } else {
                    let isTrue = image.truth.contains { $0.tag == tag }
                    let isPredicted = (Self.classScore(image, tag: tag) ?? -1) >= probabilityThreshold
                    tally.truths += isTrue ? 1 : 0
                    tally.predicted += isPredicted ? 1 : 0
                    tally.tp += isTrue && isPredicted ? 1 : 0
                }
                result.tags[i] = tally
            }
        }
        for tally in result.tags {
            result.total.truths += tally.truths
            result.total.predicted += tally.predicted
            result.total.tp += tally.tp
        }
        return result
    }

    /// The highest probability predicted for `tag` on a classification image, `nil` when not predicted.
    static func classScore(_ image: EvaluatedImage, tag: String) -> Double? {
        image.predictions.filter { $0.tag == tag }.map(\.probability).max()
    }

    static func tagsInOrder(_ images: [EvaluatedImage]) -> [String] {
        var seen = Set<String>()
        var order: [String] = []
        for tag in images.flatMap({ $0.truth.map(\.tag) }) + images.flatMap({ $0.predictions.map(\.tag) })
        where seen.insert(tag).inserted {
            order.append(tag)
        }
        return order
    }

    /// Top-1 and top-5 accuracy over the images that have ground truth.
    static func topK(_ images: [EvaluatedImage]) -> (top1: Double, top5: Double)? {
        let labelled = images.filter { !$0.truth.isEmpty }
        guard !labelled.isEmpty else { return nil }
        var top1 = 0
        var top5 = 0
        for image in labelled {
            var best: [String: Double] = [:]
            for p in image.predictions { best[p.tag] = max(best[p.tag] ?? -1, p.probability) }
            let ranked = best.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
            let truth = Set(image.truth.map(\.tag))
            if let first = ranked.first, truth.contains(first) { top1 += 1 }
            if ranked.prefix(5).contains(where: truth.contains) { top5 += 1 }
        }
        return (Double(top1) / Double(labelled.count), Double(top5) / Double(labelled.count))
    }

    /// Population standard deviation; 0 for fewer than two values.
    static func std(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    }
}
