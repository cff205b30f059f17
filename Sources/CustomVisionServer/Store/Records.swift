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

extension Sequence<ImageRecord> {
    /// How many of the images carry each tag (as an image tag or on a region; an image counts once per tag), in one
    /// pass.
    var imageCountsByTag: [UUID: Int] {
        var counts: [UUID: Int] = [:]
        for image in self {
            for id in image.allTagIds { counts[id, default: 0] += 1 }
        }
        return counts
    }
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
    /// How many training images carried each tag (in `tagIds` order): what GetTags with this iteration's id
    /// answers. Nil in records from before it existed (those answer the project's current counts).
    var tagImageCounts: [Int]? = nil
    /// The trainer's predictions on held-out images.
    var evaluation: [EvaluatedImage]
    /// A digest of the training set, to answer BadRequestTrainingNotNeeded.
    var fingerprint: String
    /// Why training failed.
    var failure: String?
    /// The size (upright) nearly all training images had, when they shared one — typically the 256×256 that
    /// `cvctl upload` prepares. Predictions resize other images to it first: the model's texture features are
    /// scale-sensitive, and a raw original (say 200×200, sharper than its upscaled training copy) otherwise reads
    /// as a different texture. Nil when the training images' sizes varied (and in records from before it existed).
    var inputSize: InputSize? = nil
}

/// An image size in pixels.
struct InputSize: Codable, Sendable, Hashable {
    var width: Int
    var height: Int

    /// The largest common size used (2048 × 2048): every prediction allocates an image of it, so a project of huge
    /// training images does not make each prediction hold hundreds of megabytes.
    static let maximumPixels = 2048 * 2048

    /// The size at least 90% of `sizes` share, or nil (also when it is over `maximumPixels`).
    static func common(_ sizes: [InputSize]) -> InputSize? {
        let counts = Dictionary(sizes.map { ($0, 1) }, uniquingKeysWith: +)
        guard let (size, count) = counts.max(by: { $0.value < $1.value }), count * 10 >= sizes.count * 9,
            size.width * size.height <= maximumPixels
        else { return nil }
        return size
    }
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

/// The bundle of an ExportProject, kept until its token expires so that ImportProject finds it after a restart.
///
/// Stored under its own id as the owning project (not the exported project's), so deleting the project leaves a
/// token already handed out working until it expires: exporting, deleting and importing elsewhere is a move.
struct ProjectExportRecord: Codable, Sendable {
    var id: UUID
    var projectId: UUID
    var blob: String
    var expires: Date
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
