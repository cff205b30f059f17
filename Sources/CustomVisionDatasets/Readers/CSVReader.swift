import CustomVisionCore
import Foundation

/// Reads CSV: the TensorFlow object-detection CSV (header `filename,width,height,class,xmin,ymin,xmax,ymax`, one row
/// per box, pixel corners) or a classification CSV (`filename,tag[,tag…]`, header optional).
/// A folder's top-level `*.csv` files are merged.
enum CSVReader {
    static let detectionColumns = ["filename", "width", "height", "class", "xmin", "ymin", "xmax", "ymax"]
    /// Header names of columns a classification CSV reads no tags from.
    static let sizeColumnNames: Set = ["width", "height", "depth"]

    static func read(_ entry: URL, context: inout ReadContext) throws -> Dataset {
        let files =
            DatasetReader.isDirectory(entry)
            ? try context.files(in: entry, recursive: false).filter { $0.pathExtension.lowercased() == "csv" }
            : [entry]
        guard !files.isEmpty else {
            throw DatasetError(.unknownFormat, "no CSV file found", at: context.fs.location(entry))
        }
        var dataset = Dataset(root: context.fs.root)
        for file in files {
            let name = context.fs.displayName(file)
            let table = try CSVTable.parse(try context.fs.readText(file), file: name)
            guard let first = table.rows.first else { continue }
            let header = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if header.contains("xmin") {
                try readDetection(table, header: header, file: file, into: &dataset, context: &context)
            } else {
                let hasHeader = ["filename", "file", "image", "path", "file_name"].contains(header[0])
                // A header's size columns (`filename,width,height,class`: a detection CSV without boxes) hold
                // numbers, not tags.
                let sizeColumns = hasHeader ? Set(header.indices.filter { sizeColumnNames.contains(header[$0]) }) : []
                try readClassification(
                    Array(table.rows.dropFirst(hasHeader ? 1 : 0)), skipping: sizeColumns, file: file,
                    into: &dataset, context: &context)
            }
        }
        var seen = Set<String>()
        dataset.tags = dataset.allTags.filter { seen.insert($0).inserted }
        return dataset
    }

    private static func readDetection(
        _ table: CSVTable, header: [String], file: URL, into dataset: inout Dataset, context: inout ReadContext
    ) throws {
        let name = context.fs.displayName(file)
        var column: [String: Int] = [:]
        for key in detectionColumns {
            guard let index = header.firstIndex(of: key) else {
                throw DatasetError(.missingField, "CSV header has no '\(key)' column", at: .init(file: name, line: 1))
            }
            column[key] = index
        }
        var indexByFile: [String: Int] = [:]
        for row in table.rows.dropFirst() {
            let place = DatasetLocation(file: name, line: row.line)
            guard row.fields.count == header.count else {
                context.error(
                    "invalidValue",
                    "row has \(row.fields.count) fields, header has \(header.count); "
                        + "skipped", at: place)
                continue
            }
            func field(_ key: String) -> String { row.fields[column[key]!].trimmingCharacters(in: .whitespaces) }
            let written = field("filename")
            let index: Int
            if let known = indexByFile[written] {
                index = known
            } else {
                let located: URL?
                do {
                    located = try context.images.locate(written, base: file.deletingLastPathComponent(), at: place)
                } catch let error as DatasetError {
                    context.error(error.code.rawValue, error.message + "; row skipped", at: error.location)
                    continue
                }
                guard let width = Int(field("width")), let height = Int(field("height")), width >= 0, height >= 0 else {
                    context.error("invalidValue", "width/height must be whole numbers; row skipped", at: place)
                    continue
                }
                let path = located ?? file.deletingLastPathComponent().appendingPathComponent(written)
                var image = DatasetImage(path: path, width: width, height: height, source: place)
                if let located, let real = context.images.header(located),
                    real.width != width || real.height != height
                {
                    // 0,0 says the size is not known (as VOC's <size> of 0): the image's own, without a warning.
                    if width > 0, height > 0 {
                        context.warn(
                            "sizeMismatch",
                            "width/height are \(width)×\(height) but the image is "
                                + "\(real.width)×\(real.height); boxes are scaled by width/height", at: place)
                    }
                    image.width = real.width
                    image.height = real.height
                }
                index = dataset.images.count
                indexByFile[written] = index
                dataset.images.append(image)
            }
            let tag = field("class")
            let corners = ["xmin", "ymin", "xmax", "ymax"].map { Double(field($0)) }
            if tag.isEmpty, corners.allSatisfy({ $0 == nil }) { continue }  // an image listed without boxes
            guard !tag.isEmpty, let xmin = corners[0], let ymin = corners[1], let xmax = corners[2],
                let ymax = corners[3], [xmin, ymin, xmax, ymax].allSatisfy(\.isFinite)
            else {
                context.error(
                    "invalidValue", "class and xmin/ymin/xmax/ymax must be given as numbers; row skipped",
                    at: place)
                continue
            }
            // Pixel boxes are scaled by the row's width/height, as the format defines; where those are 0 (not
            // known), by the image's own size, as the VOC reader does for a <size> of 0.
            var frame = (Int(field("width")) ?? 0, Int(field("height")) ?? 0)
            if frame.0 <= 0 || frame.1 <= 0 { frame = (dataset.images[index].width, dataset.images[index].height) }
            guard frame.0 > 0, frame.1 > 0 else {
                context.error(
                    "unknownImageSize",
                    "width/height are zero and the image cannot be read: box cannot be normalized; row skipped",
                    at: place)
                continue
            }
            let box = BoundingBox(
                pixels: PixelRect(xmin: xmin, ymin: ymin, xmax: xmax, ymax: ymax),
                imageWidth: frame.0, imageHeight: frame.1)
            dataset.images[index].regions.append(DatasetRegion(tag: tag, box: box))
        }
    }

    /// Rows of `filename,tag[,tag…]`: every field after the first is a tag, except those in `skipping` (column
    /// indices); a row may run past the header, its last fields being more tags.
    private static func readClassification(
        _ rows: [CSVTable.Row], skipping: Set<Int>, file: URL, into dataset: inout Dataset,
        context: inout ReadContext
    ) throws {
        let name = context.fs.displayName(file)
        for row in rows {
            let place = DatasetLocation(file: name, line: row.line)
            let written = row.fields[0].trimmingCharacters(in: .whitespaces)
            let located: URL?
            do {
                located = try context.images.locate(written, base: file.deletingLastPathComponent(), at: place)
            } catch let error as DatasetError {
                context.error(error.code.rawValue, error.message + "; row skipped", at: error.location)
                continue
            }
            let path = located ?? file.deletingLastPathComponent().appendingPathComponent(written)
            let header = located.flatMap { context.images.header($0) }
            var seen = Set<String>()
            let tags = row.fields.indices.dropFirst().filter { !skipping.contains($0) }
                .map { row.fields[$0].trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && seen.insert($0).inserted }
            dataset.images.append(
                DatasetImage(
                    path: path, width: header?.width ?? 0, height: header?.height ?? 0, tags: tags, source: place))
        }
    }
}
