import CustomVisionCore
import Foundation
import ImagePrep

/// A trained model. (Skeleton: the trainer issue replaces this file.)
public struct TrainedModel: Sendable {
    public var kind: ModelKind
    /// Tag keys, as in the request.
    public var tags: [String]

    /// Predictions for one image of any size.
    public func predict(_ image: RGBImage) -> [ModelPrediction] { [] }

    /// The versioned file form of the model.
    public func serialized() throws -> Data { Data() }

    /// Loads a model written by ``serialized()``.
    public init(serialized: Data) throws { throw TrainingError(code: .badRequestNotSupported, message: "not implemented") }
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
    /// Predictions on images the evaluated model did not train on (held-out split or folds).
    public var evaluation: [EvaluatedImage]
}

/// Trains models. (Skeleton: the trainer issue replaces this file.)
public enum Trainer {
    /// Trains a model; honours Task cancellation; reports progress.
    public static func train(
        _ request: TrainingRequest,
        progress: @Sendable (TrainingProgress) -> Void = { _ in }
    ) async throws -> TrainingResult {
        throw TrainingError(code: .badRequestNotSupported, message: "not implemented")
    }
}
