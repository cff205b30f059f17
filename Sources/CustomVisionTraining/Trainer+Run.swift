import CustomVisionCore
import Foundation

/// Trains models from labelled images.
///
/// A run validates the request, extracts features of every image (and of its mirror images, as augmentation) on
/// all cores, holds out a stratified 20% of the images, trains on the rest and predicts the held-out images (the
/// evaluation, fold 0), then trains the returned model on all images. Regular training uses fixed epochs; Advanced
/// training trains up to four times longer with early stopping on a validation tenth, within the budget. Detection
/// also trains ``BoxRescorer/extraFolds`` fold models for out-of-fold candidates, and a box rescorer on them.
public enum Trainer {
    /// Trains a model; honours Task cancellation; reports progress.
    ///
    /// - Throws: ``TrainingError`` (too little data, a single tag…) or `CancellationError`.
    public static func train(
        _ request: TrainingRequest,
        progress: @Sendable (TrainingProgress) -> Void = { _ in }
    ) async throws -> TrainingResult {
        // Training computes for seconds to minutes without suspending: keep it off Swift's cooperative pool, whose
        // few threads a server needs for its requests.
        try await withTaskExecutorPreference(TrainingExecutor.shared) {
            try await run(request, progress: progress)
        }
    }

    private static func run(
        _ request: TrainingRequest,
        progress: @Sendable (TrainingProgress) -> Void
    ) async throws -> TrainingResult {
        try TrainingValidation.validate(request)
        let start = ContinuousClock.now
        var deadline: ContinuousClock.Instant?
        if case .advanced(let budget) = request.mode { deadline = start + budget }
        progress(TrainingProgress(fraction: 0, message: "extracting features"))
        let data = try TrainingData(request) {
            progress(TrainingProgress(fraction: 0.3 * $0, message: "extracting features"))
        }
        let split = data.holdOut(fraction: 0.2, seed: request.seed)
        var trainer = NetworkTrainer(seed: request.seed)
        if request.kind == .detection {
            // Tried on NEU-DET (3 classes): 128 hidden units, 24 epochs or fully balanced classes all scored lower.
            (trainer.hidden, trainer.epochs, trainer.batchSize) = (64, 8, 256)
        } else {
            (trainer.hidden, trainer.epochs, trainer.batchSize) = (128, 50, 64)
            trainer.balance = request.kind == .multiclass ? 0.5 : 0
        }
        let advanced = deadline != nil
        if advanced { trainer.epochs *= 4 }

        func fit(_ samples: [Int], from: Double, to: Double, until: ContinuousClock.Instant?) throws -> TrainedModel {
            var t = trainer
            t.deadline = until
            var fitSamples = samples
            var validation: [Int] = []
            if advanced {
                let inner = data.holdOut(fraction: 0.1, seed: request.seed &+ 1, among: samples)
                (fitSamples, validation) = (inner.train, data.rows(of: inner.test, augmented: false))
            }
            let network = try t.train(data.matrix, rows: data.rows(of: fitSamples, augmented: true),
                                      validation: validation) {
                progress(TrainingProgress(fraction: from + (to - from) * $0, message: "training"))
            }
            return TrainedModel(kind: request.kind, tags: request.tags, network: network)
        }

        // Advanced budget: the evaluated model until 30%, detection fold models until 40%, 50%; the final model after.
        func budget(_ share: Double) -> ContinuousClock.Instant? { deadline.map { start + ($0 - start) * share } }
        let folds = request.kind == .detection ? BoxRescorer.extraFolds : 0
        var evaluated = try fit(split.train, from: 0.3, to: 0.6, until: budget(folds > 0 ? 0.3 : 0.5))
        // Detection's second stage learns from candidates on images the cell classifier did not train on: the held-out
        // images (for the evaluated model) and, with extra fold models, the rest of the training images. The
        // evaluation's rescorer never sees the held-out images' boxes.
        var evaluationRescorer: Network?
        var rescorer: Network?
        if request.kind == .detection {
            let k = request.tags.count
            func examples(_ model: TrainedModel, _ samples: [Int]) -> [BoxRescorer.Example] {
                samples.map {
                    BoxRescorer.Example(probabilities: model.cellProbabilities(features: data.features(of: $0)),
                                        truth: request.samples[$0].regions)
                }
            }
            let heldOut = examples(evaluated, split.test)
            var others: [BoxRescorer.Example] = []
            for (n, fold) in BoxRescorer.folds(split.train, count: folds, seed: request.seed).enumerated() {
                try Task.checkCancellation()
                let inFold = Set(fold)
                let fraction = 0.3 + 0.3 * Double(n + 1) / Double(folds + 1)
                let foldModel = try fit(request.samples.indices.filter { !inFold.contains($0) }, from: fraction,
                                        to: fraction, until: budget(0.3 + 0.2 * Double(n + 1) / Double(folds)))
                others += examples(foldModel, fold)
            }
            evaluationRescorer = try BoxRescorer.train(others, classes: k, seed: request.seed &+ 1)
            rescorer = try BoxRescorer.train(heldOut + others, classes: k, seed: request.seed)
        }
        evaluated.rescorer = evaluationRescorer
        let evaluation = split.test.map { i in
            EvaluatedImage(id: request.samples[i].id, fold: 0, truth: data.truth(of: i),
                           predictions: evaluated.predict(features: data.features(of: i)).map {
                               ScoredLabel(tag: request.tags[$0.tag], probability: $0.probability, box: $0.box)
                           })
        }
        try Task.checkCancellation()
        var model = try fit(Array(request.samples.indices), from: 0.6, to: 1, until: deadline)
        model.rescorer = rescorer
        progress(TrainingProgress(fraction: 1, message: "trained"))
        return TrainingResult(model: model, evaluation: evaluation)
    }
}
