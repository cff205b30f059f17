import Foundation

/// A ground-truth label of an evaluation image: a tag, with a box for object detection.
public struct TruthLabel: Hashable, Sendable, Codable {
    /// The tag's key (a tag id's string on the server, a tag name in local evaluation).
    public var tag: String
    /// The normalized box, for object detection; `nil` for classification.
    public var box: BoundingBox?

    /// A label of `tag`, with `box` for detection.
    public init(tag: String, box: BoundingBox? = nil) {
        self.tag = tag
        self.box = box
    }
}

/// A model's scored answer for an evaluation image.
public struct ScoredLabel: Hashable, Sendable, Codable {
    /// The tag's key, as in ``TruthLabel/tag``.
    public var tag: String
    /// The probability, 0...1.
    public var probability: Double
    /// The normalized box, for object detection; `nil` for classification.
    public var box: BoundingBox?

    /// An answer: `tag` at `probability`, with `box` for detection.
    public init(tag: String, probability: Double, box: BoundingBox? = nil) {
        self.tag = tag
        self.probability = probability
        self.box = box
    }
}

/// One image a model did not train on, with its ground truth and the model's predictions.
public struct EvaluatedImage: Hashable, Sendable, Codable {
    /// The image's identity (an image id on the server, a path locally).
    public var id: String
    /// The cross-validation fold or resample the image was evaluated in (0 for a single held-out split).
    public var fold: Int
    /// The ground truth.
    public var truth: [TruthLabel]
    /// Every prediction the model made for the image, at any probability.
    public var predictions: [ScoredLabel]

    /// An evaluated image: its id, fold, ground truth and every prediction made for it.
    public init(id: String, fold: Int = 0, truth: [TruthLabel], predictions: [ScoredLabel]) {
        self.id = id
        self.fold = fold
        self.truth = truth
        self.predictions = predictions
    }
}
