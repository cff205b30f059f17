import CustomVisionCore
import Foundation

/// Reads COCO instances JSON, with pixel `[x, y, w, h]` boxes or (`normalized`) boxes as fractions of the image.
///
/// Category ids need not be contiguous; `iscrowd` is kept; segmentation is ignored; an annotation without a `bbox`
/// tags the whole image (classification). A folder is searched for `*.json` COCO files, which are merged.
enum COCOReader {
    static func read(_ entry: URL, normalized: Bool, context: inout ReadContext) throws -> Dataset {
        let files = DatasetReader.isDirectory(entry) ? try cocoFiles(in: entry, fs: context.fs) : [entry]
        guard !files.isEmpty else {
            throw DatasetError(.unknownFormat, "no COCO JSON file found", at: context.fs.location(entry))
        }
        var dataset = Dataset(root: context.fs.root)
        for file in files {
            try readFile(file, normalized: normalized, into: &dataset, context: &context)
        }
        return dataset
    }

    /// JSON files below `folder` holding an object with `images`.
    static func cocoFiles(in folder: URL, fs: DatasetFileSystem) throws -> [URL] {
        try fs.listFiles(in: folder).filter { url in
            guard url.pathExtension.lowercased() == "json", let size = fs.fileSize(url), size < 512 * 1024 * 1024,
                let handle = try? FileHandle(forReadingFrom: url)
            else { return false }
            defer { try? handle.close() }
            let head = String(decoding: (try? handle.read(upToCount: 64 * 1024)) ?? Data(), as: UTF8.self)
            return head.contains("\"images\"")
        }
    }

    private static func readFile(
        _ file: URL, normalized: Bool, into dataset: inout Dataset, context: inout ReadContext
    ) throws {
        let name = context.fs.displayName(file)
        let data = try context.fs.read(file)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw DatasetError(.malformed, "not valid JSON: \(jsonErrorDetail(error))", at: .init(file: name))
        }
        let doc = JSONCursor(value: json, file: name, path: "$")
        let base = file.deletingLastPathComponent()
        let hint = file.deletingPathExtension().lastPathComponent.split(separator: "_").last.map(String.init)
        let folderSplits = ["train": "train", "valid": "val", "val": "val", "test": "test"]
        let split =
            ["train", "val", "test"].first { hint?.lowercased().hasPrefix($0) == true }
            ?? folderSplits[base.lastPathComponent.lowercased()]  // Roboflow: train/_annotations.coco.json

        var tagByCategory: [String: String] = [:]
        for category in try doc.array("categories", required: false) {
            let id = try category.idKey("id")
            let tag = try category.string("name")
            guard tagByCategory[id] == nil else {
                throw DatasetError(.invalidValue, "category id \(id) appears twice", at: category.location)
            }
            tagByCategory[id] = tag
            if !dataset.tags.contains(tag) { dataset.tags.append(tag) }
        }

        var indexByImage: [String: Int] = [:]
        for image in try doc.array("images") {
            let id = try image.idKey("id")
            guard indexByImage[id] == nil else {
                throw DatasetError(.invalidValue, "image id \(id) appears twice", at: image.location)
            }
            let written =
                try image.optionalString("file_name") ?? image.optionalString("absolute_url")
                ?? image.optionalString("coco_url")
            guard let written else {
                throw DatasetError(.missingField, "image has no file_name", at: image.location)
            }
            let fileName = written.contains("://") ? String(written.split(separator: "/").last ?? "") : written
            let place = image.field("file_name").location
            var width = try image.optionalInt("width") ?? 0
            var height = try image.optionalInt("height") ?? 0
            let located: URL?
            do {
                located = try context.images.locate(fileName, base: base, hint: hint, at: place)
            } catch let error as DatasetError {
                context.error(error.code.rawValue, error.message + "; image skipped", at: error.location)
                continue
            }
            if let located, let header = context.images.header(located) {
                if width > 0, height > 0, header.width != width || header.height != height {
                    context.warn(
                        "sizeMismatch",
                        "width/height are \(width)×\(height) but the image is "
                            + "\(header.width)×\(header.height)", at: image.location)
                }
                if width == 0 || height == 0 || normalized {
                    width = header.width
                    height = header.height
                }
            }
            indexByImage[id] = dataset.images.count
            dataset.images.append(
                DatasetImage(
                    path: located ?? base.appendingPathComponent(fileName), width: width, height: height,
                    source: image.location, split: split))
        }

        for annotation in try doc.array("annotations", required: false) {
            let imageID = try annotation.idKey("image_id")
            let categoryID = try annotation.idKey("category_id")
            guard let index = indexByImage[imageID] else {
                context.error(
                    "unknownImage", "annotation refers to image id \(imageID), which is not in images",
                    at: annotation.field("image_id").location)
                continue
            }
            guard let tag = tagByCategory[categoryID] else {
                context.error(
                    "unknownCategory", "category id \(categoryID) is not in categories",
                    at: annotation.field("category_id").location)
                continue
            }
            guard let bbox = try annotation.optionalNumbers("bbox"), !bbox.isEmpty else {
                if !dataset.images[index].tags.contains(tag) { dataset.images[index].tags.append(tag) }
                continue
            }
            guard bbox.count == 4 else {
                context.error(
                    "invalidValue", "bbox has \(bbox.count) numbers, not 4; annotation skipped",
                    at: annotation.field("bbox").location)
                continue
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
                    continue
                }
                box = BoundingBox(
                    pixels: PixelRect(x: bbox[0], y: bbox[1], width: bbox[2], height: bbox[3]),
                    imageWidth: image.width, imageHeight: image.height)
            }
            let crowd = try annotation.optionalInt("iscrowd") ?? 0
            dataset.images[index].regions.append(DatasetRegion(tag: tag, box: box, isCrowd: crowd != 0))
        }
    }

    private static func jsonErrorDetail(_ error: any Error) -> String {
        let info = (error as NSError).userInfo
        return (info[NSDebugDescriptionErrorKey] as? String) ?? error.localizedDescription
    }
}
