import CustomVisionCore
import Foundation

/// One image of a CreateImages answer as a bulk uploader reads it: the name the service echoes, the status and the
/// id of the image stored. The rest of the image record (URIs, tags, regions, dates) is skipped, not decoded.
public struct ImageCreateOutcome: Hashable, Sendable {
    /// The `sourceUrl` of the result (for CreateImagesFromFiles, the entry's name).
    public var sourceUrl: String?
    /// The result's status.
    public var status: ImageCreateStatus?
    /// The stored image's id (`image.id`), when the answer holds the image.
    public var imageId: UUID?

    public init(sourceUrl: String? = nil, status: ImageCreateStatus? = nil, imageId: UUID? = nil) {
        self.sourceUrl = sourceUrl
        self.status = status
        self.imageId = imageId
    }

    /// The outcome of a whole result.
    public init(_ result: ImageCreateResult) {
        self.init(sourceUrl: result.sourceUrl, status: result.status, imageId: result.image?.id)
    }
}

/// A CreateImages answer (an `ImageCreateSummary`) read as one ``ImageCreateOutcome`` per image: what
/// `TrainingClient.createImagesFromFilesOutcomes(projectId:batch:)` returns. An answer the fast reader does not take
/// is decoded as a whole `ImageCreateSummary` first, so both readings agree.
public struct ImageCreateOutcomes: Hashable, Sendable, JSONReadable {
    /// `isBatchSuccessful`.
    public var isBatchSuccessful: Bool?
    /// The images, in the answer's order (empty when it lists none).
    public var images: [ImageCreateOutcome]

    public init(isBatchSuccessful: Bool? = nil, images: [ImageCreateOutcome] = []) {
        self.isBatchSuccessful = isBatchSuccessful
        self.images = images
    }

    /// The outcomes of a whole summary.
    public init(_ summary: ImageCreateSummary) {
        self.init(isBatchSuccessful: summary.isBatchSuccessful,
                  images: (summary.images ?? []).map(ImageCreateOutcome.init))
    }

    public init(from decoder: any Decoder) throws {
        self.init(try ImageCreateSummary(from: decoder))
    }

    package init(json: inout JSONInput) throws {
        self.init()
        try json.object { key, json in
            switch key {
            case "isBatchSuccessful": isBatchSuccessful = try json.optional { try $0.bool() }
            case "images": images = try json.optional { json in try Self.outcomes(&json) } ?? []
            default: try json.skip()
            }
        }
    }

    private static func outcomes(_ json: inout JSONInput) throws -> [ImageCreateOutcome] {
        var outcomes: [ImageCreateOutcome] = []
        try json.array { json in
            var outcome = ImageCreateOutcome()
            try json.object { key, json in
                switch key {
                case "sourceUrl": outcome.sourceUrl = try json.optional { try $0.string() }
                case "status": outcome.status = try json.optional { ImageCreateStatus(rawValue: try $0.string()) }
                case "image":
                    // Only the id; an image without one is refused, as the whole reading refuses it.
                    _ = try json.optional { json in
                        var id: UUID?
                        try json.object { key, json in
                            if key == "id" { id = try json.uuid() } else { try json.skip() }
                        }
                        guard let id else { throw json.missing() }
                        outcome.imageId = id
                    }
                default: try json.skip()
                }
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}
