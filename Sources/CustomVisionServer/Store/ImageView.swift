import CustomVisionCore
import Foundation

/// Renders stored images as the service's `Image` JSON, with signed URLs pointing back at this server.
struct ImageView: Sendable {
    let signer: URLSigner
    let base: String

    func image(_ record: ImageRecord, _ data: StoreData) -> Image {
        let name: (UUID) -> String? = { data.tags[$0]?.tag.name }
        return Image(
            id: record.id, created: record.created, width: record.width, height: record.height,
            resizedImageUri: signer.url(base: base, kind: "resized", digest: record.blob),
            thumbnailUri: signer.url(base: base, kind: "thumbnail", digest: record.blob),
            originalImageUri: signer.url(base: base, kind: "original", digest: record.blob),
            tags: record.tags.map { ImageTag(tagId: $0.tagId, tagName: name($0.tagId), created: $0.created) },
            regions: record.regions.map {
                ImageRegion(
                    regionId: $0.regionId, tagName: name($0.tagId), created: $0.created, tagId: $0.tagId,
                    left: $0.left, top: $0.top, width: $0.width, height: $0.height)
            },
            metadata: record.metadata)
    }
}
