import CustomVisionCore
import Foundation

/// The detector's second stage: a small network that re-scores each candidate box from its box-level features
/// (``BoxDecoder/Candidate``), trained on the candidates of images the cell classifier did not train on, each
/// labelled by whether it overlaps a true box of its class at IoU ≥ 0.5. AP rewards ranking, and the first-stage
/// score (mean probability × size penalty) ranks loose and tight boxes poorly.
enum BoxRescorer {
    /// An image's cell probabilities (as ``TrainedModel/cellProbabilities(features:)`` returns) and its true boxes.
    struct Example {
        var probabilities: [Float]
        var truth: [LabeledBox]
    }

    static let overlap = 0.5
    /// Extra cell classifiers trained to give out-of-fold candidates on the non-held-out training images (validation
    /// 320/80, mAP@50: 2 folds 57.8%, 4 folds 57.4%, none 57.4% with a 16-unit rescorer; 2 folds with 32 units 58.3%).
    static let extraFolds = 2

    /// `samples` shuffled with the seed and dealt into `count` folds.
    static func folds(_ samples: [Int], count: Int, seed: UInt64) -> [[Int]] {
        guard count > 0 else { return [] }
        var members = samples
        var rng = SeededRandomGenerator(seed: seed &+ 0xF01D)
        for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, rng.nextIndex(i + 1)) }
        return (0..<count).map { f in stride(from: f, to: members.count, by: count).map { members[$0] } }
    }

    /// Trains a rescorer on the candidates of `examples`, or returns nil when they hold no positive and negative
    /// candidates (nothing to learn).
    static func train(_ examples: [Example], classes: Int, seed: UInt64) throws -> Network? {
        let columns = BoxDecoder.featureCount(classes: classes)
        var values: [Float] = []
        var labels: [Float] = []
        for example in examples {
            let grid = CellDescriptor.grid
            for candidate in BoxDecoder.candidates(example.probabilities, grid: grid, classes: classes).joined() {
                let p = candidate.prediction
                let hit = example.truth.contains { $0.tag == p.tag && (p.box?.iou($0.box) ?? 0) >= overlap }
                values += candidate.features
                labels.append(hit ? 1 : 0)
            }
        }
        let positives = labels.filter { $0 > 0 }.count
        guard positives > 0, positives < labels.count else { return nil }
        var trainer = NetworkTrainer(seed: seed &+ 7)
        (trainer.hidden, trainer.epochs, trainer.batchSize, trainer.balance) = (32, 40, 256, 0)
        let matrix = LabeledMatrix(columns: columns, values: values, targets: .labels(labels), outputs: 1)
        return try trainer.train(matrix, rows: Array(0..<labels.count))
    }
}
