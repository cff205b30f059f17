import CustomVisionCore
import Foundation

/// Reads Create ML object-detection JSON: an array with one object per image,
/// `{"image": "a.jpg", "annotations": [{"label": "x", "coordinates": {"x": 120, "y": 80, "width": 60,
/// "height": 40}}]}`, where `x`, `y` is the box's centre and all four are pixels of the image as stored. Images
/// are looked for beside the JSON file (Create ML's layout). A folder's Create ML files (JSON files whose document
/// is an array of such objects) are merged; a file in a `train`, `valid`/`val` or `test` folder gives its images
/// that split.
///
/// An image or annotation with a missing or mistyped field is an error finding naming its JSON path and is skipped;
/// the other entries are read. A file that is not JSON, or whose document is not an array, stops the read.
enum CreateMLReader {
    static func read(_ entry: URL, context: inout ReadContext) throws -> Dataset {
        var dataset = try ReadContext.readJSONFiles(
            entry, kind: "Create ML", select: createMLFiles, context: &context
        ) { try readFile($0, into: &$1, context: &$2) }
        dataset.tags = dataset.allTags
        return dataset
    }

    /// The JSON files among `files` that are Create ML documents (see ``isCreateML(head:)``).
    static func createMLFiles(among files: [URL], fs: DatasetFileSystem) -> [URL] {
        files.filter { url in
            url.pathExtension.lowercased() == "json" && fs.jsonHead(url).map(isCreateML(head:)) == true
        }
    }

    /// Whether a JSON file's head (``DatasetFileSystem/jsonHead(_:)``) is a Create ML document's: an array that
    /// names an `"image"`.
    static func isCreateML(head: [UInt8]) -> Bool {
        head.first == UInt8(ascii: "[") && String(decoding: head, as: UTF8.self).contains("\"image\"")
    }

    private static func readFile(_ file: URL, into dataset: inout Dataset, context: inout ReadContext) throws {
        let (name, json) = try context.parseJSON(file)
        guard let entries = json as? [Any] else {
            throw DatasetError(
                .malformed, "not a Create ML file: the document must be an array with one object per image",
                at: .init(file: name))
        }
        let base = file.deletingLastPathComponent()
        let split = ReadContext.folderSplits[base.lastPathComponent.lowercased()]
        for (index, value) in entries.enumerated() {
            let entry = JSONCursor(value: value, file: name, path: "$[\(index)]")
            do {
                dataset.images.append(try readImage(entry, base: base, split: split, context: &context))
            } catch let error as DatasetError {
                context.skip(error, "image")
            }
        }
    }

    /// The image of one entry with its boxes.
    /// - Throws: `DatasetError` for an entry that is not an object with an `image` string (or whose path leaves the
    ///   root): the caller skips it. A bad annotation is reported and skipped here.
    private static func readImage(
        _ entry: JSONCursor, base: URL, split: String?, context: inout ReadContext
    ) throws -> DatasetImage {
        guard entry.value is [String: Any] else {
            throw DatasetError(.invalidValue, "an entry must be an object with \"image\" and \"annotations\"",
                               at: entry.location)
        }
        let written = try entry.string("image")
        let located = try context.images.locate(written, base: base, at: entry.field("image").location)
        let header = located.flatMap { context.images.header($0) }
        var image = DatasetImage(
            path: located ?? base.appendingPathComponent(written), width: header?.width ?? 0,
            height: header?.height ?? 0, source: entry.location, split: split)
        for annotation in try entry.array("annotations", required: false) {
            do {
                let label = try annotation.string("label")
                let coordinates = annotation.field("coordinates")
                guard coordinates.value is [String: Any] else {
                    throw DatasetError(
                        coordinates.value == nil ? .missingField : .invalidValue,
                        "'coordinates' must be an object with x, y, width and height", at: coordinates.location)
                }
                let (x, y) = (try coordinates.number("x"), try coordinates.number("y"))
                let (width, height) = (try coordinates.number("width"), try coordinates.number("height"))
                guard image.width > 0, image.height > 0 else {
                    context.error(
                        "unknownImageSize", "image size unknown: pixel coordinates cannot be normalized; skipped",
                        at: coordinates.location)
                    continue
                }
                let rect = PixelRect(x: x - width / 2, y: y - height / 2, width: width, height: height)
                image.regions.append(DatasetRegion(
                    tag: label, box: BoundingBox(pixels: rect, imageWidth: image.width, imageHeight: image.height)))
            } catch let error as DatasetError {
                context.skip(error, "annotation")
            }
        }
        return image
    }
}
