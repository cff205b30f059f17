import CustomVisionCore
import Foundation

/// Reads Pascal VOC: a folder of XML files (one per image), images found by `<filename>` or by stem.
///
/// Boxes are read as pixel edges: `left = xmin / width`, `width = (xmax - xmin) / width` — the convention of
/// LabelImg, CVAT and NEU-DET (whose boxes reach `xmax = 200` on 200-pixel images). A malformed XML file is an
/// error finding and is skipped; the other files are still read.
enum VOCReader {
    static func read(_ entry: URL, context: inout ReadContext) throws -> Dataset {
        let listing = DatasetReader.isDirectory(entry) ? try context.listing(in: entry) : nil
        let files = listing?.files.filter { FileName(path: $0).pathExtension.lowercased() == "xml" } ?? [entry.path]
        var dataset = Dataset(root: context.fs.root)
        var tagSet = Set<String>()
        // Reading and parsing each XML file is independent of the others: done on every core, a chunk of files at
        // a time (so only a chunk's parsed trees are held). Finding the images goes through the locator's shared
        // index, one file after another; then their headers are read on every core. Findings are recorded in file
        // order, as a sequential read gives them.
        let fs = context.fs
        var start = 0
        while start < files.count {
            // The first chunks are small, so that a consumer of the parts (an upload) can start sooner.
            let size = start == 0 ? firstChunkSize : (start < batchChunkSize ? batchChunkSize - start : chunkSize)
            let chunk = Array(files[start..<min(start + size, files.count)])
            start += chunk.count
            let parsed = chunk.concurrentMap { file in Result { try parse(file, fs: fs) } }
            let annotations = parsed.map { result in Result { try locateImage(of: result.get(), context: &context) } }
            // Taking stated sizes as written, only images whose annotation states none need their header.
            let needHeaders = annotations.compactMap { try? $0.get() }
                .filter { context.checkStatedSizes || statedSize($0.xml) == nil }
            context.images.prefetchHeaders(needHeaders.compactMap { $0.image?.path })
            for annotation in annotations {
                do {
                    let image = try readFile(annotation.get(), context: &context)
                    for tag in image.allTags where tagSet.insert(tag).inserted { dataset.tags.append(tag) }
                    dataset.images.append(image)
                } catch let error as DatasetError {
                    context.error(error.code.rawValue, error.message, at: error.location)
                }
            }
            context.parts?.emit(upTo: dataset)
        }
        if let listing {
            context.reportStrayImages(listing.files, of: dataset, code: "unannotatedImage",
                                      unnamedBy: "no annotation file names")
        }
        return dataset
    }

    /// How many XML files are parsed at once.
    static let chunkSize = 256
    /// How many XML files make the first chunk: the tags they name can be made while the rest of the first
    /// batch is read.
    static let firstChunkSize = 16
    /// The first chunks together: one upload batch's worth.
    static let batchChunkSize = 64

    /// One XML file, parsed, and the image it names.
    private struct Annotation {
        var fileName: String
        var xml: XMLElement
        /// The folder of the XML file (standardized path; empty for the file-system root).
        var basePath: String
        /// The image file name as written (or the XML file's stem).
        var written: String
        var image: ImageLocator.Located?

        var base: URL { URL(fileURLWithPath: basePath.isEmpty ? "/" : basePath, isDirectory: true) }
    }

    /// An XML file read and parsed: its standardized path, its name as findings give it, its root element.
    private typealias Parsed = (file: String, fileName: String, xml: XMLElement)

    /// Reads and parses the XML file at the standardized path `file`.
    private static func parse(_ file: String, fs: DatasetFileSystem) throws -> Parsed {
        let fileName = fs.displayName(path: file)
        let xml = try XMLReader.parse(bytes: try fs.readBytes(file, at: .init(file: fileName)), file: fileName)
        guard xml.name == "annotation" else {
            throw DatasetError(
                .malformed, "root element is <\(xml.name)>, not <annotation>",
                at: .init(file: fileName, line: xml.line))
        }
        return (file, fileName, xml)
    }

    /// Finds the image `parsed` names: by `<filename>`, else by the XML file's stem.
    private static func locateImage(of parsed: Parsed, context: inout ReadContext) throws -> Annotation {
        let (file, fileName, xml) = parsed
        let basePath = String(DatasetFileSystem.folder(of: file))
        let xmlStem = FileName(path: file).stem
        let written = xml.text(of: "filename").flatMap { $0.isEmpty ? nil : $0 } ?? xmlStem
        var annotation = Annotation(fileName: fileName, xml: xml, basePath: basePath, written: written)
        let filePlace = DatasetLocation(file: fileName, line: xml.child("filename")?.line ?? xml.line)
        let knownBase = basePath.isEmpty ? nil : basePath
        annotation.image = try context.images.locate(
            written, base: annotation.base, basePath: knownBase, at: filePlace)
        if annotation.image == nil, written != xmlStem {
            annotation.image = try context.images.locate(
                xmlStem, base: annotation.base, basePath: knownBase, at: filePlace)
        }
        return annotation
    }

    /// The dataset image of one annotation: its size (the image's header over `<size>`) and its boxes.
    private static func readFile(_ annotation: Annotation, context: inout ReadContext) throws -> DatasetImage {
        let (fileName, xml, image) = (annotation.fileName, annotation.xml, annotation.image)
        let place = DatasetLocation(file: fileName, line: xml.line)
        let path = image?.url ?? annotation.base.appendingPathComponent(annotation.written)

        var width = 0
        var height = 0
        if let size = xml.child("size") {
            width = try integer(size, "width", file: fileName)
            height = try integer(size, "height", file: fileName)
        }
        let frameWidth = width
        let frameHeight = height
        let sizePlace = DatasetLocation(file: fileName, line: xml.child("size")?.line)
        var uncheckedSize: DatasetLocation?
        if image != nil, !context.checkStatedSizes, width > 0, height > 0 {
            uncheckedSize = sizePlace  // taken as written; the caller checks it against the bytes it reads
        } else if let image, let header = context.images.header(path: image.path) {
            if let mismatch = DatasetImage.sizeMismatch(
                stated: (width, height), actual: (header.width, header.height), at: sizePlace)
            {
                context.findings.append(mismatch)
            }
            width = header.width
            height = header.height
        }
        let boxWidth = frameWidth > 0 ? frameWidth : width
        let boxHeight = frameHeight > 0 ? frameHeight : height

        var regions: [DatasetRegion] = []
        for object in xml.children("object") {
            let objectPlace = DatasetLocation(file: fileName, line: object.line)
            guard let name = object.text(of: "name"), !name.isEmpty else {
                context.error("missingField", "<object> without a <name>; skipped", at: objectPlace)
                continue
            }
            guard let box = object.child("bndbox") else {
                context.error("missingField", "<object> '\(name)' has no <bndbox>; skipped", at: objectPlace)
                continue
            }
            guard boxWidth > 0, boxHeight > 0 else {
                context.error(
                    "unknownImageSize",
                    "no <size> and no readable image: box of '\(name)' cannot be "
                        + "normalized; skipped", at: objectPlace)
                continue
            }
            do {
                let rect = PixelRect(
                    xmin: try number(box, "xmin", file: fileName), ymin: try number(box, "ymin", file: fileName),
                    xmax: try number(box, "xmax", file: fileName), ymax: try number(box, "ymax", file: fileName))
                regions.append(
                    DatasetRegion(
                        tag: name, box: BoundingBox(pixels: rect, imageWidth: boxWidth, imageHeight: boxHeight),
                        difficult: flag(object, "difficult"), truncated: flag(object, "truncated")))
            } catch let error as DatasetError {
                context.error(error.code.rawValue, error.message + "; object '\(name)' skipped", at: error.location)
            }
        }
        return DatasetImage(
            path: path, width: width, height: height, regions: regions, source: place, uncheckedSize: uncheckedSize)
    }

    /// The `<size>` of an annotation when it states a usable one (both sides above 0), else nil.
    private static func statedSize(_ xml: XMLElement) -> (width: Int, height: Int)? {
        guard let size = xml.child("size"), let width = try? integer(size, "width", file: ""),
            let height = try? integer(size, "height", file: ""), width > 0, height > 0
        else { return nil }
        return (width, height)
    }

    private static func number(_ element: XMLElement, _ name: String, file: String) throws -> Double {
        guard let child = element.child(name) else {
            throw DatasetError(
                .missingField, "<\(element.name)> has no <\(name)>", at: .init(file: file, line: element.line))
        }
        let text = child.text.trimmingWhitespaceAndNewlines()
        guard let value = Double(text), value.isFinite else {
            throw DatasetError(
                .invalidValue, "<\(name)> is '\(text)', not a number", at: .init(file: file, line: child.line))
        }
        return value
    }

    private static func integer(_ element: XMLElement, _ name: String, file: String) throws -> Int {
        let value = try number(element, name, file: file)
        guard value >= 0, value < 1e9, value == value.rounded() else {
            throw DatasetError(
                .invalidValue, "<\(name)> is \(value), not a pixel count",
                at: .init(file: file, line: element.child(name)?.line))
        }
        return Int(value)
    }

    private static func flag(_ element: XMLElement, _ name: String) -> Bool {
        guard let text = element.text(of: name) else { return false }
        return text == "1" || text.lowercased() == "true"
    }
}
