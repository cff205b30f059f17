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
        (trainer.hidden, trainer.epochs, trainer.batchSize, trainer.balance) = (16, 20, 256, 0)
        let matrix = LabeledMatrix(columns: columns, values: values, targets: .labels(labels), outputs: 1)
        return try trainer.train(matrix, rows: Array(0..<labels.count))
    }
}
