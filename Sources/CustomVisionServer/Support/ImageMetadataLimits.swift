import CustomVisionCore
import Foundation

/// The service's limits on image metadata: at most 50 pairs per image, keys of 1 to 256 characters, values of at
/// most 512.
enum ImageMetadataLimits {
    static let maxPairs = 50

    /// Refuses a key or value outside the limits (UpdateImageMetadata and the create-images batches).
    static func checkEntries(_ metadata: [String: String]) throws {
        for (key, value) in metadata {
            guard !key.isEmpty, key.count <= 256 else {
                throw APIError.badRequest("Invalid metadata key.", code: .badRequestImageMetadataKey)
            }
            guard value.count <= 512 else {
                throw APIError.badRequest("Invalid metadata value.", code: .badRequestImageMetadataValue)
            }
        }
    }

    /// Refuses the metadata of a create-images batch, which every new image takes whole.
    static func checkBatch(_ metadata: [String: String]) throws {
        try checkEntries(metadata)
        guard metadata.count <= maxPairs else {
            throw APIError.badRequest(
                "An image holds at most \(maxPairs) metadata pairs.", code: .badRequestImageMetadataKey)
        }
    }
}
