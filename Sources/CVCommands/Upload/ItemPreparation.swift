import CustomVisionCore
import CustomVisionDatasets
import Foundation
import ImagePrep
import Synchronization

/// Turns a dataset image into an ``UploadItem``: reads the file and, unless disabled, prepares it with ImagePrep.
struct ItemPreparation: Sendable {
    /// The preparer, or `nil` for `--no-prep` (bytes uploaded as they are).
    let preparer: ImagePreparer?
    /// Hashes already uploaded (from the journal): those items are skipped before preparation.
    let journaled: Set<String>
    /// The preparation settings, part of each item's journal key.
    let settings: String
    /// What the checks of sizes the dataset reader took as written found (see `DatasetImage.uncheckedSize`).
    let sizeFindings = SizeFindings()

    init(preparer: ImagePreparer?, journaled: Set<String> = []) {
        self.preparer = preparer
        self.journaled = journaled
        settings = preparer.map { "\($0.options)" } ?? "none"
    }

    /// Findings gathered from every preparing thread.
    final class SizeFindings: Sendable {
        private let found = Mutex<[Finding]>([])

        func append(_ finding: Finding) { found.withLock { $0.append(finding) } }

        /// The findings, in the order of their places.
        var all: [Finding] {
            found.withLock { $0 }.sorted {
                ($0.location.file, $0.location.line ?? 0) < ($1.location.file, $1.location.line ?? 0)
            }
        }
    }

    /// The upload element of `image`, named by `namer` (its path relative to the dataset's root).
    func item(for image: DatasetImage, namer: DatasetLoading.EntryNamer) -> UploadElement {
        let name = namer.name(of: image)
        let path = image.path.path
        guard let data = RegularFile.contents(atPath: path) else {
            return .failed(UploadFailure(name: name, status: "ReadFailed",
                                         reason: "cannot read \(path) (named by \(image.source))"))
        }
        if image.uncheckedSize != nil, let header = ImageFileHeader.parse(data),
            let mismatch = image.sizeMismatch(actualWidth: header.width, actualHeight: header.height)
        {
            sizeFindings.append(mismatch)
        }
        let sourceRegions = image.regions.map { UploadRegion(tag: $0.tag, box: $0.box) }
        let hash = UploadItem.key(source: data, settings: settings, tags: image.tags, regions: sourceRegions)
        if journaled.contains(hash) { return .skipped(name: name) }
        guard let preparer else {
            // The service places boxes on the upright image; the dataset's are on the stored pixels.
            let orientation = image.regions.isEmpty ? .up : ImageOrientation.stored(in: data)
            let regions = sourceRegions.map { UploadRegion(tag: $0.tag, box: orientation.transform($0.box)) }
            return .item(UploadItem(name: name, bytes: data, tags: image.tags, regions: regions, hash: hash))
        }
        do {
            // No name: the failure's reason follows its name wherever it is shown.
            let prepared = try preparer.prepare([UInt8](data), boxes: image.regions.map(\.box))
            var regions: [UploadRegion] = []
            for (box, index) in zip(prepared.boxes, prepared.boxIndices) {
                regions.append(UploadRegion(tag: image.regions[index].tag, box: box))
            }
            return .item(UploadItem(name: name, bytes: prepared.bytes, tags: image.tags, regions: regions, hash: hash))
        } catch {
            let reason = PrepAdvice.advising(error)
            return .failed(UploadFailure(name: name, status: "PrepareFailed", reason: "\(reason)"))
        }
    }
}
