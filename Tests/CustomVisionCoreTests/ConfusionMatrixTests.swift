import CustomVisionCore
import Testing

/// ``ConfusionMatrix``: true tag by row, predicted tag by column, no tag last in both.
struct ConfusionMatrixTests {
    static func box(_ x: Double, _ y: Double, _ side: Double = 0.2) -> BoundingBox {
        BoundingBox(left: x, top: y, width: side, height: side)
    }

    @Test func classificationCountsTheTopTagsAgainstTheTruth() {
        let images = [
            // Right.
            EvaluatedImage(id: "1", truth: [TruthLabel(tag: "cat")], predictions: [
                ScoredLabel(tag: "cat", probability: 0.9), ScoredLabel(tag: "dog", probability: 0.1)]),
            // Taken for a dog.
            EvaluatedImage(id: "2", truth: [TruthLabel(tag: "cat")], predictions: [
                ScoredLabel(tag: "dog", probability: 0.7), ScoredLabel(tag: "cat", probability: 0.2)]),
            // Nothing above the threshold: a miss.
            EvaluatedImage(id: "3", truth: [TruthLabel(tag: "dog")], predictions: [
                ScoredLabel(tag: "dog", probability: 0.3)]),
            // Right, and a second tag with no truth: a false positive.
            EvaluatedImage(id: "4", truth: [TruthLabel(tag: "dog")], predictions: [
                ScoredLabel(tag: "dog", probability: 0.8), ScoredLabel(tag: "cat", probability: 0.6)]),
            // No truth at all (a negative image) and a prediction: a false positive.
            EvaluatedImage(id: "5", truth: [], predictions: [ScoredLabel(tag: "cat", probability: 0.95)]),
        ]
        let matrix = ConfusionMatrix.of(images, tags: ["cat", "dog"], threshold: 0.5, overlap: 0.5)
        #expect(matrix.counts == [[1, 1, 0], [0, 1, 1], [2, 0, 0]])
        #expect(matrix.count(truth: "cat", predicted: "dog") == 1)
        #expect(matrix.count(truth: nil, predicted: "cat") == 2)
        #expect(matrix.count(truth: "dog", predicted: nil) == 1)
    }

    @Test func detectionPairsBoxesByOverlapWhateverTheirTags() {
        let image = EvaluatedImage(id: "a", truth: [
            TruthLabel(tag: "crack", box: Self.box(0.1, 0.1)),
            TruthLabel(tag: "crack", box: Self.box(0.6, 0.1)),
            TruthLabel(tag: "pit", box: Self.box(0.1, 0.6)),
            TruthLabel(tag: "pit", box: Self.box(0.6, 0.6)),
        ], predictions: [
            ScoredLabel(tag: "crack", probability: 0.9, box: Self.box(0.11, 0.1)),  // right
            ScoredLabel(tag: "pit", probability: 0.8, box: Self.box(0.6, 0.11)),    // a crack taken for a pit
            ScoredLabel(tag: "pit", probability: 0.7, box: Self.box(0.1, 0.61)),    // right
            ScoredLabel(tag: "crack", probability: 0.6, box: Self.box(0.35, 0.35)), // on nothing: false positive
            ScoredLabel(tag: "pit", probability: 0.2, box: Self.box(0.6, 0.6)),     // under the threshold
        ])
        // The pit at (0.6, 0.6) is found only under the threshold: a miss.
        let matrix = ConfusionMatrix.of([image], tags: ["crack", "pit"], threshold: 0.5, overlap: 0.5)
        #expect(matrix.counts == [[1, 1, 0], [0, 1, 1], [1, 0, 0]])
    }

    /// A right box and a wrong one on the same truth: the right one is paired, even when the wrong one overlaps
    /// more or is more probable; the wrong one is left as a false positive.
    @Test func aRightBoxIsNotLostToAWrongOneOverTheSameTruth() {
        let image = EvaluatedImage(id: "a", truth: [TruthLabel(tag: "crack", box: Self.box(0.1, 0.1))], predictions: [
            ScoredLabel(tag: "pit", probability: 0.95, box: Self.box(0.1, 0.1)),
            ScoredLabel(tag: "crack", probability: 0.6, box: Self.box(0.12, 0.1)),
        ])
        let matrix = ConfusionMatrix.of([image], tags: ["crack", "pit"], threshold: 0.5, overlap: 0.5)
        #expect(matrix.count(truth: "crack", predicted: "crack") == 1)
        #expect(matrix.count(truth: nil, predicted: "pit") == 1)
        #expect(matrix.counts.joined().reduce(0, +) == 2)
    }

    /// Every truth is counted once in its row and every prediction at or above the threshold once in its column.
    @Test func rowsSumToTheTruthsAndColumnsToThePredictions() {
        var images: [EvaluatedImage] = []
        for i in 0..<30 {
            let x: Double = Double(i % 5) / 6, y: Double = Double(i % 3) / 4
            let tags = ["a", "b", "c"]
            images.append(EvaluatedImage(id: "\(i)", truth: [
                TruthLabel(tag: tags[i % 3], box: Self.box(x, y, 0.15)),
                TruthLabel(tag: tags[(i + 1) % 3], box: Self.box(0.8 - x / 2, 0.7, 0.1)),
            ], predictions: (0..<4).map { k -> ScoredLabel in
                let probability = Double((i * 7 + k * 13) % 100) / 100
                let shift: Double = Double(k) * 0.01, lift: Double = Double(k % 2) * 0.02
                return ScoredLabel(tag: tags[(i + k) % 3], probability: probability,
                                   box: Self.box(x + shift, y + lift, 0.15))
            }))
        }
        let matrix = ConfusionMatrix.of(images, tags: ["a", "b", "c"], threshold: 0.3, overlap: 0.4)
        for (row, tag) in ["a", "b", "c"].enumerated() {
            let truths = images.flatMap(\.truth).filter { $0.tag == tag }.count
            #expect(matrix.counts[row].reduce(0, +) == truths, "\(tag)")
            let predicted = images.flatMap(\.predictions).filter { $0.tag == tag && $0.probability >= 0.3 }.count
            #expect(matrix.counts.map { $0[row] }.reduce(0, +) == predicted, "\(tag)")
        }
        #expect(matrix.counts[3][3] == 0)
    }
}
