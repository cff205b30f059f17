import CustomVisionCore
import Foundation
import ImagePrep

// The contract between the trainer and its callers (cvserver, cvctl, cvbench). The trainer's issue fills in the
// implementation behind `Trainer.train` and `TrainedModel`; the shapes here are what callers rely on.

/// What a model predicts.
public enum ModelKind: String, Codable, Sendable {
    /// One tag per image.
    case multiclass
    /// Any number of tags per image.
    case multilabel
    /// Tagged boxes.
    case detection
}

extension ModelKind {
    /// The side of the square the trainer resamples every image to before reading its features: an image much
    /// larger than this may be decoded smaller first (see `DecodeOptions.minimumSize`) without changing what the
    /// model sees beyond resampling noise.
    public var featureSide: Int { FeatureExtractor.side(self) }
}

/// How long and how hard to train.
public enum TrainingMode: Sendable, Hashable {
    /// Fast default training.
    case regular
    /// Train longer or search settings within a wall-clock budget; stops early when it stops improving.
    case advanced(budget: Duration)
}

/// A box with a tag index, normalized to the image (0...1).
public struct LabeledBox: Hashable, Sendable, Codable {
    /// Index into ``TrainingRequest/tags``.
    public var tag: Int
    /// The normalized box.
    public var box: BoundingBox

    public init(tag: Int, box: BoundingBox) {
        self.tag = tag
        self.box = box
    }
}

/// One labelled training image.
public struct TrainingSample: Sendable {
    /// An identity for evaluation reports (image id or path).
    public var id: String
    /// The pixels, any size (prepared images are 256×256).
    public var image: RGBImage
    /// Classification tags, as indices into ``TrainingRequest/tags``.
    public var tags: [Int]
    /// Detection regions.
    public var regions: [LabeledBox]
    /// True when the image carries only a Negative tag: it shows none of the tags.
    public var isNegative: Bool

    public init(id: String, image: RGBImage, tags: [Int] = [], regions: [LabeledBox] = [], isNegative: Bool = false) {
        self.id = id
        self.image = image
        self.tags = tags
        self.regions = regions
        self.isNegative = isNegative
    }
}

/// Everything a training run needs.
public struct TrainingRequest: Sendable {
    public var kind: ModelKind
    /// Tag keys (tag ids on the server, names locally); samples refer to tags by index into this array.
    public var tags: [String]
    public var samples: [TrainingSample]
    public var mode: TrainingMode
    /// The seed of every random choice: the same request and seed give the same model.
    public var seed: UInt64

    public init(kind: ModelKind, tags: [String], samples: [TrainingSample], mode: TrainingMode = .regular, seed: UInt64 = 0) {
        self.kind = kind
        self.tags = tags
        self.samples = samples
        self.mode = mode
        self.seed = seed
    }
}

/// Progress of a training run.
public struct TrainingProgress: Sendable, Hashable {
    /// 0...1.
    public var fraction: Double
    /// What the trainer is doing, for humans.
    public var message: String

    public init(fraction: Double, message: String) {
        self.fraction = fraction
        self.message = message
    }
}

/// One prediction of a trained model.
public struct ModelPrediction: Hashable, Sendable, Codable {
    /// Index into the model's ``TrainedModel/tags``.
    public var tag: Int
    /// 0...1.
    public var probability: Double
    /// For detection models.
    public var box: BoundingBox?

    public init(tag: Int, probability: Double, box: BoundingBox? = nil) {
        self.tag = tag
        self.probability = probability
        self.box = box
    }
}
