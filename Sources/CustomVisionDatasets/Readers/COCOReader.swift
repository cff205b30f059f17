import CustomVisionCore
import Foundation

/// Reads COCO instances JSON, with pixel `[x, y, w, h]` boxes or (`normalized`) boxes as fractions of the image.
///
/// Category ids need not be contiguous; `iscrowd` is kept; segmentation is ignored; an annotation without a `bbox`
/// tags the whole image (classification). A folder is searched for `*.json` COCO files, which are merged.
///
/// An entry with a missing or mistyped field (an image without `file_name`, an annotation without `category_id`, a
/// `bbox` that is not four numbers) is an error finding naming its JSON path and is skipped; the other entries are
/// read. A file that is not JSON, whose `images` is not an array, or that repeats an id stops the read.
enum COCOReader {
    /// - Parameter normalized: whether boxes are fractions; nil decides it for each file from its boxes.
    static func read(_ entry: URL, normalized: Bool?, context: inout ReadContext) throws -> Dataset {
        try ReadContext.readJSONFiles(entry, kind: "COCO", select: cocoFiles, context: &context) {
            try readFile($0, normalized: normalized, into: &$1, context: &$2)
        }
    }

    /// The JSON files among `files` that are COCO documents (see ``isCOCO(head:)``).
    static func cocoFiles(among files: [URL], fs: DatasetFileSystem) -> [URL] {
        files.filter { url in url.pathExtension.lowercased() == "json" && fs.jsonHead(url).map(isCOCO(head:)) == true }
    }

    /// Whether a JSON file's head (``DatasetFileSystem/jsonHead(_:)``) is a COCO document's: an object with
    /// `images` or `annotations` in its first 64 KiB (written with sorted keys, as by `DatasetWriter`, `annotations`
    /// comes first and `images` may lie megabytes later). A document that is an array is Create ML's, which has
    /// `"annotations"` too.
    static func isCOCO(head: [UInt8]) -> Bool {
        guard head.first != UInt8(ascii: "[") else { return false }
        let text = String(decoding: head, as: UTF8.self)
        return text.contains("\"images\"") || text.contains("\"annotations\"")
    }

    /// Whether a COCO document's boxes are fractions of the image: every bbox value within 0…1 (and at least one).
    static func looksNormalized(_ json: [String: Any]) -> Bool {
        let values = (json["annotations"] as? [[String: Any]] ?? []).compactMap { $0["bbox"] as? [Double] }
            .flatMap { $0 }
        return !values.isEmpty && values.allSatisfy { $0 >= -1e-9 && $0 <= 1 + 1e-9 }
    }

    private static func readFile(
        _ file: URL, normalized: Bool?, into dataset: inout Dataset, context: inout ReadContext
    ) throws {
        let (name, json) = try context.parseJSON(file)
        let normalized = normalized ?? ((json as? [String: Any]).map(looksNormalized) ?? false)
        let doc = JSONCursor(value: json, file: name, path: "$")
        let base = file.deletingLastPathComponent()
        let hint = file.deletingPathExtension().lastPathComponent.split(separator: "_").last.map(String.init)
        let split =
            ["train", "val", "test"].first { hint?.lowercased().hasPrefix($0) == true }
            ?? ReadContext.folderSplits[base.lastPathComponent.lowercased()]  // Roboflow: train/_annotations.coco.json

        var tagByCategory: [String: String] = [:]
        for category in try doc.array("categories", required: false) {
            let id: String
            let tag: String
            do {
                id = try category.idKey("id")
                tag = try category.string("name")
            } catch let error as DatasetError {
                context.skip(error, "category")
                continue
            }
            guard tagByCategory[id] == nil else {
                throw DatasetError(.invalidValue, "category id \(id) appears twice", at: category.location)
            }
            tagByCategory[id] = tag
            if !dataset.tags.contains(tag) { dataset.tags.append(tag) }
        }

        var indexByImage: [String: Int] = [:]
        // Images whose entry was skipped with a finding of its own: their annotations go with them, unreported.
        var skippedImages: Set<String> = []
        let scope = FileScope(base: base, hint: hint, split: split, normalized: normalized)
        for image in try doc.array("images") {
            let id: String
            do {
                id = try image.idKey("id")
            } catch let error as DatasetError {
                context.skip(error, "image")
                continue
            }
            guard indexByImage[id] == nil else {
                throw DatasetError(.invalidValue, "image id \(id) appears twice", at: image.location)
            }
            do {
                let entry = try readImage(image, in: scope, context: &context)
                indexByImage[id] = dataset.images.count
                dataset.images.append(entry)
            } catch let error as DatasetError {
                context.skip(error, "image")
                skippedImages.insert(id)
            }
        }

        for annotation in try doc.array("annotations", required: false) {
            do {
                try readAnnotation(
                    annotation, tagByCategory: tagByCategory, indexByImage: indexByImage,
                    skippedImages: skippedImages, normalized: normalized, into: &dataset, context: &context)
            } catch let error as DatasetError {
                context.skip(error, "annotation")
            }
        }
    }

    /// What the entries of one COCO file share: the folder its images are looked for in, their split, whether the
    /// boxes are fractions of the image.
    private struct FileScope {
        var base: URL
        var hint: String?
        var split: String?
        var normalized: Bool
    }

    /// The image of one `images` entry.
    /// - Throws: `DatasetError` for a missing or mistyped field or a path leaving the root: the caller skips the
    ///   entry.
    private static func readImage(
        _ image: JSONCursor, in scope: FileScope, context: inout ReadContext
    ) throws -> DatasetImage {
        let written =
            try image.optionalString("file_name") ?? image.optionalString("absolute_url")
            ?? image.optionalString("coco_url")
        let place = image.field("file_name").location
        guard let written else {
            throw DatasetError(.missingField, "image has no file_name (nor absolute_url or coco_url)", at: place)
        }
        let fileName = written.contains("://") ? String(written.split(separator: "/").last ?? "") : written
        var width = try image.optionalInt("width") ?? 0
        var height = try image.optionalInt("height") ?? 0
        if width < 0 || height < 0 {
            let field = image.field(width < 0 ? "width" : "height")
            context.warn(
                "invalidValue",
                "width/height are \(width)×\(height): a size cannot be negative; the image's own size is used",
                at: field.location)
            (width, height) = (0, 0)
        }
        let located = try context.images.locate(fileName, base: scope.base, hint: scope.hint, at: place)
        if let located, let header = context.images.header(located) {
            if width > 0, height > 0, header.width != width || header.height != height {
                context.warn(
                    "sizeMismatch",
                    "width/height are \(width)×\(height) but the image is "
                        + "\(header.width)×\(header.height)", at: image.location)
            }
            if width == 0 || height == 0 || scope.normalized {
                width = header.width
                height = header.height
            }
        }
        return DatasetImage(
            path: located ?? scope.base.appendingPathComponent(fileName), width: width, height: height,
            source: image.location, split: scope.split)
    }

    /// Adds one `annotations` entry to its image: a region, or a whole-image tag when it has no `bbox`.
    /// - Throws: `DatasetError` for a missing or mistyped field: the caller skips the entry.
    private static func readAnnotation(
        _ annotation: JSONCursor, tagByCategory: [String: String], indexByImage: [String: Int],
        skippedImages: Set<String>, normalized: Bool, into dataset: inout Dataset, context: inout ReadContext
    ) throws {
        let imageID = try annotation.idKey("image_id")
        let categoryID = try annotation.idKey("category_id")
        guard let index = indexByImage[imageID] else {
            // Its image was reported and skipped: "not in images" would be wrong.
            if skippedImages.contains(imageID) { return }
            context.error(
                "unknownImage", "annotation refers to image id \(imageID), which is not in images",
                at: annotation.field("image_id").location)
            return
        }
        guard let tag = tagByCategory[categoryID] else {
            context.error(
                "unknownCategory", "category id \(categoryID) is not in categories",
                at: annotation.field("category_id").location)
            return
        }
        guard let bbox = try annotation.optionalNumbers("bbox"), !bbox.isEmpty else {
            if !dataset.images[index].tags.contains(tag) { dataset.images[index].tags.append(tag) }
            return
        }
        guard bbox.count == 4 else {
            throw DatasetError(
                .invalidValue, "bbox has \(bbox.count) numbers, not 4", at: annotation.field("bbox").location)
        }
        let image = dataset.images[index]
        let box: BoundingBox
        if normalized {
            box = BoundingBox(left: bbox[0], top: bbox[1], width: bbox[2], height: bbox[3])
        } else {
            guard image.width > 0, image.height > 0 else {
                context.error(
                    "unknownImageSize", "image size unknown: pixel bbox cannot be normalized; skipped",
                    at: annotation.field("bbox").location)
                return
            }
            box = BoundingBox(
                pixels: PixelRect(x: bbox[0], y: bbox[1], width: bbox[2], height: bbox[3]),
                imageWidth: image.width, imageHeight: image.height)
        }
        let crowd = try annotation.optionalInt("iscrowd") ?? 0
        dataset.images[index].regions.append(DatasetRegion(tag: tag, box: box, isCrowd: crowd != 0))
    }

    static func jsonErrorDetail(_ error: any Error) -> String {
        let info = (error as NSError).userInfo
        return (info[NSDebugDescriptionErrorKey] as? String) ?? error.localizedDescription
    }
}
