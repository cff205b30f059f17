import CustomVisionCore
import Foundation

/// Reads YOLO: class names from `data.yaml` (or `classes.txt` / `obj.names`), one `.txt` per image with lines
/// `class cx cy w h` (normalized centre and size).
///
/// Every image below the root is read; its label file is found by swapping the last `images` folder of its path
/// for `labels` (`images/train/a.jpg` → `labels/train/a.txt`, `train/images/a.jpg` → `train/labels/a.txt`), or
/// beside it. An image without a label file is kept, unlabelled.
enum YOLOReader {
    static func read(_ entry: URL, context: inout ReadContext) throws -> Dataset {
        var folder = DatasetReader.isDirectory(entry) ? entry : entry.deletingLastPathComponent()
        let (names, yaml) = try classNames(entry: entry, folder: folder, context: &context)
        var splitFolders: [(String, String)] = []
        if let (config, yamlURL) = yaml {
            folder = base(of: config, yamlURL: yamlURL, folder: folder, context: &context)
            splitFolders = splits(of: config, base: folder, yamlURL: yamlURL, context: &context)
        }
        var dataset = Dataset(root: context.fs.root, tags: names)
        let files = try context.files(in: folder)
        let fileSet = Set(files.map(\.path))
        var usedLabels = Set<String>()
        for image in files where DatasetFileSystem.imageExtensions.contains(image.pathExtension.lowercased()) {
            let header = context.images.header(image)
            var item = DatasetImage(
                path: image, width: header?.width ?? 0, height: header?.height ?? 0,
                source: context.fs.location(image))
            item.split = splitFolders.first { image.path.hasPrefix($0.1 + "/") }?.0
            if let label = labelFile(for: image, existing: fileSet) {
                usedLabels.insert(label.path)
                item.source = context.fs.location(label)
                do {
                    item.regions = try regions(in: label, names: names, context: &context)
                } catch let error as DatasetError {
                    // A label file that cannot be read (not UTF-8, a link loop, too large): without its boxes the
                    // image is left out, and the rest of the dataset is still read.
                    context.skip(error, "image \(image.lastPathComponent)")
                    continue
                }
            }
            dataset.images.append(item)
        }
        let metadata: Set<String> = ["classes.txt", "obj.names", "readme.txt", "README.txt"]
        for file in files
        where file.pathExtension == "txt" && !usedLabels.contains(file.path)
            && !metadata.contains(file.lastPathComponent)
        {
            context.warn("orphanLabel", "label file has no image", at: context.fs.location(file))
        }
        return dataset
    }

    /// The folder `path:` names (relative to data.yaml), when it exists inside the root; else `folder`.
    private static func base(of config: YOLODataYAML, yamlURL: URL, folder: URL, context: inout ReadContext) -> URL {
        guard let path = config.path, !path.isEmpty, path != "." else { return folder }
        let place = context.fs.location(yamlURL)
        if let url = try? context.fs.resolve(path, relativeTo: folder, at: place), DatasetReader.isDirectory(url) {
            return url
        }
        context.warn(
            "yamlPathIgnored",
            "'path: \(path)' is not a folder inside the dataset; reading the folder of "
                + "data.yaml instead", at: place)
        return folder
    }

    /// The train/val/test image folders data.yaml names, as (split, absolute path). Roboflow's `../train/images`
    /// is also tried without its leading `../`.
    private static func splits(
        of config: YOLODataYAML, base: URL, yamlURL: URL, context: inout ReadContext
    ) -> [(String, String)] {
        var result: [(String, String)] = []
        for (split, written) in [("train", config.train), ("val", config.val), ("test", config.test)] {
            guard let written, !written.isEmpty else { continue }
            var candidate = written
            var found: URL?
            while found == nil {
                if let url = try? context.fs.resolve(candidate, relativeTo: base, at: context.fs.location(yamlURL)),
                    DatasetReader.isDirectory(url)
                {
                    found = url
                } else if candidate.hasPrefix("../") {
                    candidate.removeFirst(3)
                } else {
                    break
                }
            }
            if let found {
                result.append((split, found.standardizedFileURL.path))
            } else {
                context.warn(
                    "splitFolderMissing",
                    "\(split) folder '\(written)' not found; its images are read "
                        + "without a split", at: context.fs.location(yamlURL))
            }
        }
        // A folder several splits name (`train: images` and `val: images`, as DatasetWriter writes an unsplit
        // dataset) assigns no split, so reading and writing again keeps the layout.
        let paths = result.map(\.1)
        return result.filter { entry in paths.filter { $0 == entry.1 }.count == 1 }
    }

    private static func classNames(
        entry: URL, folder: URL, context: inout ReadContext
    ) throws -> ([String], (YOLODataYAML, URL)?) {
        let yaml =
            entry.pathExtension == "yaml" || entry.pathExtension == "yml"
            ? entry
            : ["data.yaml", "data.yml", "dataset.yaml"].map { folder.appendingPathComponent($0) }
                .first { context.fs.fileExists($0) }
        if let yaml {
            let parsed = try YOLODataYAML.parse(try context.fs.readText(yaml), file: context.fs.displayName(yaml))
            guard !parsed.names.isEmpty else {
                throw DatasetError(.missingField, "YAML: no class 'names'", at: context.fs.location(yaml))
            }
            return (parsed.names, (parsed, yaml))
        }
        for name in ["classes.txt", "obj.names", "classes.names"] {
            let url = folder.appendingPathComponent(name)
            guard context.fs.fileExists(url) else { continue }
            let lines = try context.fs.readText(url).textLines()
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            let names = Array(lines.reversed().drop { $0.isEmpty }.reversed())
            if let blank = names.firstIndex(of: "") {
                throw DatasetError(.invalidValue, "empty class name", at: context.fs.location(url, line: blank + 1))
            }
            return (names, nil)
        }
        throw DatasetError(
            .missingField, "YOLO dataset without data.yaml or classes.txt", at: context.fs.location(folder))
    }

    /// The label file of an image, if it exists.
    static func labelFile(for image: URL, existing: Set<String>) -> URL? {
        let stem = image.deletingPathExtension().lastPathComponent + ".txt"
        var components = image.deletingLastPathComponent().pathComponents
        if let index = components.lastIndex(of: "images") {
            components[index] = "labels"
            let swapped = URL(fileURLWithPath: components.joined(separator: "/")).appendingPathComponent(stem)
            if existing.contains(swapped.standardizedFileURL.path) { return swapped.standardizedFileURL }
        }
        let beside = image.deletingLastPathComponent().appendingPathComponent(stem)
        return existing.contains(beside.path) ? beside : nil
    }

    private static func regions(in label: URL, names: [String], context: inout ReadContext) throws -> [DatasetRegion] {
        var regions: [DatasetRegion] = []
        let lines = try context.fs.readText(label).textLines()
        for (offset, raw) in lines.enumerated() {
            let place = context.fs.location(label, line: offset + 1)
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 5 else {
                context.error(
                    "invalidValue",
                    "expected 'class cx cy w h' (5 values), found \(fields.count); "
                        + "line skipped", at: place)
                continue
            }
            guard let index = Int(fields[0]) else {
                context.error("invalidValue", "class '\(fields[0])' is not a whole number; line skipped", at: place)
                continue
            }
            guard names.indices.contains(index) else {
                context.error(
                    "unknownCategory", "class \(index) is not among the \(names.count) names; line skipped",
                    at: place)
                continue
            }
            let numbers = fields.dropFirst().compactMap { Double($0) }.filter(\.isFinite)
            guard numbers.count == 4 else {
                context.error("invalidValue", "box values must be numbers; line skipped", at: place)
                continue
            }
            let box = BoundingBox(
                left: numbers[0] - numbers[2] / 2, top: numbers[1] - numbers[3] / 2,
                width: numbers[2], height: numbers[3])
            regions.append(DatasetRegion(tag: names[index], box: box))
        }
        return regions
    }
}
