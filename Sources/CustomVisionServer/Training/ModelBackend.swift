import CustomVisionCore
import CustomVisionTraining
import Foundation
import HTTPTypes
import Hummingbird
import ImagePrep

/// A model the server can serve predictions from and store.
public protocol ServedModel: Sendable {
    /// Predictions for one image; tags are indices into the training request's tags.
    func predict(_ image: RGBImage) -> [ModelPrediction]
    /// The model's file form.
    func serialized() throws -> Data
}

/// A trained model with its held-out evaluation.
public struct TrainedArtifact: Sendable {
    /// The model trained on all samples.
    public var model: any ServedModel
    /// Predictions on images the evaluated model did not train on.
    public var evaluation: [EvaluatedImage]

    public init(model: any ServedModel, evaluation: [EvaluatedImage]) {
        self.model = model
        self.evaluation = evaluation
    }
}

/// How the server trains and loads models. The default, ``TrainerBackend``, is the package's trainer.
public protocol ModelBackend: Sendable {
    /// Trains on `request`; a thrown ``TrainingError`` becomes the iteration's failure.
    func train(_ request: TrainingRequest) async throws -> TrainedArtifact
    /// Loads a model written by ``ServedModel/serialized()``.
    func load(_ data: Data) throws -> any ServedModel
}

extension TrainedModel: ServedModel {}

/// The package's trainer (`CustomVisionTraining.Trainer`).
public struct TrainerBackend: ModelBackend {
    public init() {}

    public func train(_ request: TrainingRequest) async throws -> TrainedArtifact {
        let result = try await Trainer.train(request)
        return TrainedArtifact(model: result.model, evaluation: result.evaluation)
    }

    public func load(_ data: Data) throws -> any ServedModel { try TrainedModel(serialized: data) }
}
