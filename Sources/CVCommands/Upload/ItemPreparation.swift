import CustomVisionCore
import CustomVisionDatasets
import Foundation
import ImagePrep

/// Turns a dataset image into an ``UploadItem``: reads the file and, unless disabled, prepares it with ImagePrep.
struct ItemPreparation: Sendable {
    /// The preparer, or `nil` for `--no-prep` (bytes uploaded as they are).
    var preparer: ImagePreparer?
    /// The dataset root, for entry names.
    var root: URL

    func item(for image: DatasetImage) -> Result<UploadItem, UploadFailure> {
        let name = DatasetLoading.relativeName(image, root: root)
        guard let data = FileManager.default.contents(atPath: image.path.path) else {
            return .failure(UploadFailure(name: name, status: "ReadFailed", reason: "cannot read \(image.path.path)"))
        }
        let bytes = [UInt8](data)
        guard let preparer else {
            let regions = image.regions.map { UploadRegion(tag: $0.tag, box: $0.box) }
            return .success(UploadItem(name: name, bytes: bytes, tags: image.tags, regions: regions))
        }
        do {
            let prepared = try preparer.prepare(bytes, name: name, boxes: image.regions.map(\.box))
            var regions: [UploadRegion] = []
            for (box, index) in zip(prepared.boxes, prepared.boxIndices) {
                regions.append(UploadRegion(tag: image.regions[index].tag, box: box))
            }
            return .success(UploadItem(name: name, bytes: prepared.bytes, tags: image.tags, regions: regions))
        } catch {
            return .failure(UploadFailure(name: name, status: "PrepareFailed", reason: "\(error)"))
        }
    }
}
