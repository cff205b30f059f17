/// Computes a ``PerformanceReport`` from any predictions and ground truth (server iterations, `cvctl` local runs).
///
/// The task is detection when any label or prediction has a box, classification otherwise. Classification takes,
/// per image and tag, the highest probability predicted for that tag. Detection matches boxes with
/// ``DetectionMatcher`` (VOC devkit rules). AP is all-point interpolated (``AveragePrecision``), ranked over all
/// images. Standard deviations: across folds when the images come from ≥ 2 folds, else across `resamples`
/// bootstrap resamples of the images drawn with `seed`.
public struct PerformanceEvaluator: Sendable {
    /// Predictions at or above this probability count for precision and recall.
    public var probabilityThreshold: Double
    /// IoU needed for a detection match (for precision, recall and `averagePrecision`).
    public var overlapThreshold: Double
    /// Bootstrap resamples for the standard deviations of a single split.
    public var resamples: Int
    /// Seed of the bootstrap.
    public var seed: UInt64

    public init(probabilityThreshold: Double = 0.5, overlapThreshold: Double = 0.5, resamples: Int = 100,
                seed: UInt64 = 0) {
        self.probabilityThreshold = probabilityThreshold
        self.overlapThreshold = overlapThreshold
        self.resamples = resamples
        self.seed = seed
    }

    /// Evaluates `images`.
    ///
    /// - Parameters:
    ///   - images: Ground truth and predictions of each evaluated image.
    ///   - tags: The tags to report, in order; by default every tag seen, truth first, in order of appearance.
    /// - Returns: The report; tags without ground truth are listed but left out of the mean AP.
    public func evaluate(_ images: [EvaluatedImage], tags: [String]? = nil) -> PerformanceReport {
        let isDetection = images.contains { image in
            image.truth.contains { $0.box != nil } || image.predictions.contains { $0.box != nil }
        }
        let tagList = tags ?? Self.tagsInOrder(images)
        let full = counts(images, tags: tagList, detection: isDetection)
        let folds = Set(images.map(\.fold)).sorted()
        var groups: [[EvaluatedImage]]
        let source: PerformanceReport.DeviationSource
        if folds.count >= 2 {
            source = .folds
            groups = folds.map { f in images.filter { $0.fold == f } }
        } else {
            source = .bootstrap
            var rng = SeededRandomGenerator(seed: seed)
            groups = images.isEmpty ? [] : (0..<resamples).map { _ in
                (0..<images.count).map { _ in images[rng.nextIndex(images.count)] }
            }
        }
        let groupCounts = groups.map { counts($0, tags: tagList, detection: isDetection) }
        func spread(_ value: (Counts) -> Double?) -> Double { Self.std(groupCounts.compactMap(value)) }

        var perTag: [TagReport] = []
        for (i, tag) in tagList.enumerated() {
            let c = full.tags[i]
            let ap = averagePrecision(images, tag: tag, detection: isDetection, overlap: overlapThreshold)
            perTag.append(TagReport(
                tag: tag, truthCount: c.truths, predictedCount: c.predicted, truePositives: c.tp,
                precision: c.precision ?? 0, precisionStdDeviation: spread { $0.tags[i].precision },
                recall: c.recall ?? 0, recallStdDeviation: spread { $0.tags[i].recall }, averagePrecision: ap))
        }
        let withTruth = perTag.filter { $0.truthCount > 0 }
        func meanAP(_ overlap: Double) -> Double {
            let aps = tagList.enumerated().filter { full.tags[$0.offset].truths > 0 }
                .map { averagePrecision(images, tag: $0.element, detection: true, overlap: overlap) }
            return aps.isEmpty ? 0 : aps.reduce(0, +) / Double(aps.count)
        }
        let topK = isDetection ? nil : Self.topK(images)
        return PerformanceReport(
            task: isDetection ? .detection : .classification, probabilityThreshold: probabilityThreshold,
            overlapThreshold: isDetection ? overlapThreshold : nil, imageCount: images.count, foldCount: folds.count,
            deviationSource: source, resampleCount: source == .bootstrap ? groups.count : 0,
            precision: full.total.precision ?? 0, precisionStdDeviation: spread { $0.total.precision },
            recall: full.total.recall ?? 0, recallStdDeviation: spread { $0.total.recall },
            averagePrecision: withTruth.isEmpty
                ? 0 : withTruth.map(\.averagePrecision).reduce(0, +) / Double(withTruth.count),
            perTag: perTag,
            meanAveragePrecisionAt30: isDetection ? meanAP(0.3) : nil,
            meanAveragePrecisionAt50: isDetection ? meanAP(0.5) : nil,
            meanAveragePrecisionAt75: isDetection ? meanAP(0.75) : nil,
            top1Accuracy: topK?.top1, top5Accuracy: topK?.top5)
    }

    /// All-point AP of one tag over `images`; for detection, matched at IoU `overlap`.
    public func averagePrecision(_ images: [EvaluatedImage], tag: String, detection: Bool, overlap: Double) -> Double {
        var scored: [(score: Double, hit: Bool)] = []
        var positives = 0
        for image in images {
            if detection {
                let truths = image.truth.filter { $0.tag == tag }.compactMap(\.box)
                let preds = image.predictions.filter { $0.tag == tag }
                    .compactMap { p in p.box.map { (p.probability, $0) } }
                positives += truths.count
                let hits = DetectionMatcher.match(predictions: preds, truths: truths, overlap: overlap)
                scored += zip(preds, hits).map { ($0.0, $1) }
            } else {
                let isTrue = image.truth.contains { $0.tag == tag }
                if isTrue { positives += 1 }
                if let score = Self.classScore(image, tag: tag) { scored.append((score, isTrue)) }
            }
        }
        return AveragePrecision.allPoint(rankedHits: AveragePrecision.rank(scored), positives: positives)
    }
}
