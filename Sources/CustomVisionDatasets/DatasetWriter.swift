import Foundation

/// Writes a `Dataset` in an annotation format, so datasets convert between formats.
///
/// Layouts: VOC `Annotations/*.xml` + `JPEGImages/`; COCO `annotations.json` + `images/`; YOLO `data.yaml` +
/// `images/` + `labels/`; CSV `annotations.csv` + `images/`; manifest `manifest.jsonl` + `images/`; Create ML
/// `annotations.json` with the images beside it; folders `<tag>/<image>`.
/// Boxes are written at full double precision, so reading the output back gives the same normalized boxes (to 1e-9).
public enum DatasetWriter {
    /// What to do with the image files.
    public enum ImageMode: String, Sendable, Hashable, CaseIterable {
        /// Copy each image into the output (the default; the output stands alone).
        case copy
        /// Make symbolic links to the original images.
        case link
        /// Write annotations only; they name the images by their output file name.
        case none
    }

    /// How to write.
    public struct Options: Sendable, Hashable {
        /// What to do with the image files.
        public var images: ImageMode
        /// Replace existing files in the output folder.
        public var overwrite: Bool

        /// Creates options.
        public init(images: ImageMode = .copy, overwrite: Bool = false) {
            self.images = images
            self.overwrite = overwrite
        }
    }

    /// Writes `dataset` into the folder `folder` (created if needed).
    /// - Parameters:
    ///   - dataset: the dataset.
    ///   - format: any of `DatasetFormat.writable`.
    ///   - folder: the output folder.
    ///   - options: image handling and overwrite policy.
    /// - Returns: warnings about what the format cannot hold (e.g. whole-image tags in VOC or YOLO).
    /// - Throws: `DatasetError` when a file cannot be written, exists (without `overwrite`), or the format is
    ///   not writable.
    @discardableResult
    public static func write(
        _ dataset: Dataset, format: DatasetFormat, to folder: URL, options: Options = Options()
    ) throws -> [Finding] {
        var output = try OutputFolder(folder: folder.standardizedFileURL, dataset: dataset, options: options)
        if [.voc, .coco, .csv, .createml].contains(format) {
            for image in dataset.images where !image.regions.isEmpty && (image.width <= 0 || image.height <= 0) {
                output.findings.append(
                    Finding(
                        .error, "unknownImageSize",
                        "image '\(image.path.lastPathComponent)' has no known size: its pixel boxes are written as zero",
                        at: image.source))
            }
        }
        switch format {
        case .voc: try VOCWriter.write(dataset, into: &output)
        case .coco, .cocoNormalized: try COCOWriter.write(dataset, normalized: format == .cocoNormalized, into: &output)
        case .yolo: try YOLOWriter.write(dataset, into: &output)
        case .csv: try CSVWriter.write(dataset, into: &output)
        case .manifest: try CSVWriter.writeManifest(dataset, into: &output)
        case .createml: try CreateMLWriter.write(dataset, into: &output)
        case .folders: try FoldersWriter.write(dataset, into: &output)
        }
        return output.findings
    }
}

/// The output folder of a writer: unique image names, image export, text files.
struct OutputFolder {
    let folder: URL
    let options: DatasetWriter.Options
    /// Output file name of each image, by index, unique within the dataset.
    let imageNames: [String]
    var findings: [Finding] = []

    init(folder: URL, dataset: Dataset, options: DatasetWriter.Options) throws {
        self.folder = folder
        self.options = options
        // Unique by stem, ignoring case: VOC and YOLO name an image's annotation file by its stem, so `a.jpg` and
        // `a.png` would share `a.xml` / `a.txt`.
        let key = { (name: String) in
            URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent.lowercased()
        }
        var used = Set<String>()
        var names: [String] = []
        for image in dataset.images {
            var name = image.path.lastPathComponent
            if used.contains(key(name)) {
                name = image.path.deletingLastPathComponent().lastPathComponent + "_" + name
            }
            if name.hasPrefix(".") { name = "_" + name }  // readers skip hidden files: it would be lost
            var counter = 2
            let base = URL(fileURLWithPath: name)
            while used.contains(key(name)) {
                let suffix = base.pathExtension.isEmpty ? "" : "." + base.pathExtension
                name = base.deletingPathExtension().lastPathComponent + "-\(counter)" + suffix
                counter += 1
            }
            used.insert(key(name))
            names.append(name)
        }
        imageNames = names
        try makeFolder(folder)
    }

    func makeFolder(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw DatasetError(.io, "cannot create folder: \(error.localizedDescription)", at: .init(file: url.path))
        }
    }

    /// Writes `text` to `relativePath` below the output folder.
    func writeText(_ text: String, to relativePath: String) throws {
        let url = folder.appendingPathComponent(relativePath)
        try makeFolder(url.deletingLastPathComponent())
        if !options.overwrite, FileManager.default.fileExists(atPath: url.path) {
            throw DatasetError(.io, "file exists (pass overwrite to replace it)", at: .init(file: url.path))
        }
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw DatasetError(.io, "cannot write file: \(error.localizedDescription)", at: .init(file: url.path))
        }
    }

    /// Copies or links image `index` to `subfolder/<name>` per the options.
    func exportImage(_ image: DatasetImage, index: Int, subfolder: String) throws {
        guard options.images != .none else { return }
        let target = folder.appendingPathComponent(subfolder).appendingPathComponent(imageNames[index])
        try makeFolder(target.deletingLastPathComponent())
        let manager = FileManager.default
        if let attributes = try? manager.attributesOfItem(atPath: target.path) {
            // Rewriting a dataset in place: the target is the image itself, and removing it would lose it.
            if attributes[.type] as? FileAttributeType != .typeSymbolicLink,
                target.resolvingSymlinksInPath().path == image.path.resolvingSymlinksInPath().path
            {
                return
            }
            guard options.overwrite else {
                throw DatasetError(.io, "file exists (pass overwrite to replace it)", at: .init(file: target.path))
            }
            try? manager.removeItem(at: target)
        }
        guard FileDescriptorReading.isRegularFile(image.path.path) else {
            throw DatasetError(.io, "cannot export image \(image.path.path): not a regular file", at: image.source)
        }
        do {
            if options.images == .copy {
                try manager.copyItem(at: image.path.resolvingSymlinksInPath(), to: target)  // the file, not a link
            } else {
                try manager.createSymbolicLink(at: target, withDestinationURL: image.path.standardizedFileURL)
            }
        } catch {
            throw DatasetError(.io, "cannot export image: \(error.localizedDescription)", at: image.source)
        }
    }

    mutating func warnDropped(_ what: String, _ image: DatasetImage, format: String) {
        findings.append(
            Finding(.warning, "notRepresentable", "\(format) cannot hold \(what); dropped", at: image.source))
    }

    /// A number as text: integers without a fraction, others at full precision. A value within floating-point
    /// noise of an integer (`0.9999999999999964` after a few conversions) is that integer, so pixel corners stay
    /// whole and repeated conversions write the same text.
    static func number(_ x: Double) -> String {
        let whole = x.rounded()
        if abs(x - whole) <= 1e-9 * max(1, abs(x)), abs(x) < 1e15 { return String(Int64(whole)) }
        return "\(x)"
    }
}
