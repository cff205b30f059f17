import CustomVisionCore
import Foundation
import ImagePrep

/// A trained model: predicts tags (classification) or tagged boxes (detection) for images of any size.
public struct TrainedModel: Sendable {
    /// What the model predicts.
    public var kind: ModelKind
    /// Tag keys, as in the request.
    public var tags: [String]
    var network: Network
    /// Detection: the second stage re-scoring candidate boxes (``BoxRescorer``); nil in version-1 model files.
    var rescorer: Network?

    init(kind: ModelKind, tags: [String], network: Network, rescorer: Network? = nil) {
        self.kind = kind
        self.tags = tags
        self.network = network
        self.rescorer = rescorer
    }

    /// Predictions for one image of any size, most probable first. Classification models return every tag with
    /// its probability; detection models return boxes (normalized) with their tag and probability.
    public func predict(_ image: RGBImage) -> [ModelPrediction] {
        guard kind == .detection else {
            return predict(features: FeatureExtractor.features(kind, Planes(image, side: FeatureExtractor.side(kind))))
        }
        // The features stay in a pooled workspace (``CellWorkspace``): the same values as ``Planes`` and
        // ``CellDescriptor/features(_:)`` give.
        let cells = CellDescriptor.grid * CellDescriptor.grid
        let probabilities = CellWorkspace.pool.with { network.probabilities(rows: $0.features(image), count: cells) }
        return BoxDecoder.decode(probabilities, grid: CellDescriptor.grid, classes: tags.count, rescorer: rescorer)
    }

    /// Predictions from features computed by ``FeatureExtractor``.
    func predict(features: [Float]) -> [ModelPrediction] {
        features.withUnsafeBufferPointer { f in
            switch kind {
            case .multiclass, .multilabel:
                let p = network.probabilities(f)
                return tags.indices.map { ModelPrediction(tag: $0, probability: Double(p[$0])) }
                    .sorted { $0.probability > $1.probability }
            case .detection:
                return BoxDecoder.decode(cellProbabilities(features: features), grid: CellDescriptor.grid,
                                         classes: tags.count, rescorer: rescorer)
            }
        }
    }

    /// Detection: `grid * grid` rows of `tags + 1` cell probabilities (the last is background).
    func cellProbabilities(features: [Float]) -> [Float] {
        let cells = CellDescriptor.grid * CellDescriptor.grid
        return features.withUnsafeBufferPointer { network.probabilities(rows: $0, count: cells) }
    }
}

/// A failed training run, with the service's error code.
public struct TrainingError: Error, Sendable, CustomStringConvertible {
    public var code: CustomVisionErrorCode
    public var message: String
    public init(code: CustomVisionErrorCode, message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code.rawValue): \(message)" }
}

/// The outcome of a training run.
public struct TrainingResult: Sendable {
    /// The model, trained on all the samples.
    public var model: TrainedModel
    /// Predictions on images the evaluated model did not train on (a stratified held-out split, fold 0).
    public var evaluation: [EvaluatedImage]

    public init(model: TrainedModel, evaluation: [EvaluatedImage]) {
        self.model = model
        self.evaluation = evaluation
    }

    /// The evaluation's metrics at probability 0.5 (and IoU 0.5 for detection).
    public var performance: PerformanceReport { PerformanceEvaluator().evaluate(evaluation, tags: model.tags) }
}

/// Features of an image for a model kind.
enum FeatureExtractor {
    static func side(_ kind: ModelKind) -> Int { kind == .detection ? CellDescriptor.side : ImageDescriptor.side }

    static func features(_ kind: ModelKind, _ planes: Planes) -> [Float] {
        kind == .detection ? CellDescriptor.features(planes) : ImageDescriptor.features(planes)
    }

    /// The length of a feature vector of `kind` (of one cell's, for detection): what a loaded network must take.
    static func count(_ kind: ModelKind) -> Int { kind == .detection ? CellDescriptor.count : imageCount }

    private static let imageCount =
        ImageDescriptor.features(Planes(RGBImage(width: 1, height: 1), side: ImageDescriptor.side)).count
}
