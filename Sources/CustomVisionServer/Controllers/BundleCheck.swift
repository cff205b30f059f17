import CustomVisionCore
import Foundation

/// Whether an import bundle (which may come from any URL) holds only what this server's own records hold: unique
/// ids, bytes for every image and model, regions inside their image, and completed iterations whose tag lists line
/// up, whose model loads and whose input size is one training could have chosen. A bundle that fails would plant
/// records that trap, exhaust memory or block training later (an index past `tagNames`, a duplicate key, a
/// prediction resized to billions of pixels, an iteration forever Training).
struct BundleCheck {
    let bundle: ProjectTransferController.Bundle
    let blobs: BlobStore
    /// Loads the bundle's models, which must load here before they are served.
    let backend: any ModelBackend

    var isSound: Bool {
        soundProject && unique(bundle.tags.map(\.tag.id)) && unique(bundle.images.map(\.id))
            && bundle.images.allSatisfy(soundImage) && bundle.iterations.allSatisfy(soundIteration)
    }

    private func unique(_ ids: [UUID]) -> Bool { Set(ids).count == ids.count }

    /// Settings CreateProject and UpdateProject would have accepted: a known domain, a classification type of a
    /// classification domain, export platforms of the specification's enum.
    private var soundProject: Bool {
        let settings = bundle.project.settings
        guard let domain = settings.domainId.flatMap(Domains.domain) else { return false }
        if domain.type == .classification,
            ![ClassificationType.multiclass, .multilabel].contains(settings.classificationType ?? .multiclass)
        {
            return false
        }
        return (settings.targetExportPlatforms ?? []).allSatisfy(ExportPlatform.accepted.contains)
    }

    private func available(_ digest: String) -> Bool {
        bundle.blobs[digest] != nil || (BlobStore.isDigest(digest) && blobs.contains(digest))
    }

    private func soundImage(_ image: ImageRecord) -> Bool {
        let sides = 1...ServiceLimits.maxImageSide
        return available(image.blob) && sides.contains(image.width) && sides.contains(image.height)
            && image.regions.allSatisfy { !$0.box.isDegenerate && $0.box.isInsideImage(tolerance: 1e-4) }
    }

    private func soundIteration(_ record: IterationRecord) -> Bool {
        guard record.iteration.status == .completed, let model = record.model, available(model),
            record.tagIds.count == record.tagNames.count, unique(record.tagIds),
            bundle.blobs[model].map({ (try? backend.load($0)) != nil }) ?? true
        else { return false }
        guard let size = record.inputSize else { return true }
        let sides = 1...InputSize.maximumPixels
        return sides.contains(size.width) && sides.contains(size.height)
            && size.width * size.height <= InputSize.maximumPixels
    }
}
