import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird

/// A tag and the project that owns it.
struct TagRecord: Codable, Sendable {
    var tag: Tag
    var projectId: UUID
}

/// A tag on an image, with when it was applied.
struct TagAssignment: Codable, Sendable, Hashable {
    var tagId: UUID
    var created: Date
}

/// A region on an image, normalized to the image.
struct RegionRecord: Codable, Sendable, Hashable {
    var regionId: UUID
    var tagId: UUID
    var created: Date
    var left: Double
    var top: Double
    var width: Double
    var height: Double

    var box: BoundingBox { BoundingBox(left: left, top: top, width: width, height: height) }
}

/// A training image: its blob, size, tags, regions and metadata.
struct ImageRecord: Codable, Sendable {
    var id: UUID
    var projectId: UUID
    var created: Date
    var width: Int
    var height: Int
    /// SHA-256 of the original bytes (the blob's name).
    var blob: String
    var tags: [TagAssignment]
    var regions: [RegionRecord]
    var metadata: [String: String]

    /// The tag ids the image carries, from its tags and its regions.
    var allTagIds: Set<UUID> { Set(tags.map(\.tagId)).union(regions.map(\.tagId)) }
    var isTagged: Bool { !tags.isEmpty || !regions.isEmpty }
}

/// An iteration with its trained model and held-out evaluation.
struct IterationRecord: Codable, Sendable {
    var iteration: Iteration
    /// The digest of the serialized model blob, once trained.
    var model: String?
    /// The model's tag order (tag ids).
    var tagIds: [UUID]
    /// Tag names at training time, for predictions after a tag is renamed or deleted.
    var tagNames: [String]
    /// The trainer's predictions on held-out images.
    var evaluation: [EvaluatedImage]
    /// A digest of the training set, to answer BadRequestTrainingNotNeeded.
    var fingerprint: String
    /// Why training failed.
    var failure: String?
}

/// A stored prediction (non-`nostore` routes and QuickTest with store).
struct PredictionRecord: Codable, Sendable {
    var id: UUID
    var projectId: UUID
    var iterationId: UUID
    var created: Date
    var blob: String
    var width: Int
    var height: Int
    var predictions: [Prediction]
    /// The `application` query parameter of the prediction call.
    var application: String? = nil
}

/// An export of an iteration.
struct ExportRecord: Codable, Sendable {
    var id: UUID
    var projectId: UUID
    var iterationId: UUID
    var platform: ExportPlatform
    var flavor: ExportFlavor?
    var status: ExportStatus
    var blob: String?
    var created: Date
}
