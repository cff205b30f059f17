import Foundation

/// Reads a dataset in any supported format into a `Dataset`.
///
/// ```swift
/// let (dataset, findings) = try DatasetReader.read(at: URL(fileURLWithPath: "NEU-DET"))
/// ```
public enum DatasetReader {
    /// How to read.
    public struct Options: Sendable, Hashable {
        /// The dataset root that annotation paths may not leave. Default: the folder given, or for a file its folder
        /// (the parent of an `annotations/` folder for COCO and VOC).
        public var root: URL?
        /// Allow annotation paths (and links) that leave the root.
        public var allowOutsideRoot: Bool
        /// Read each image's header for its pixel size (needed by YOLO, CSV classification, folders; checks VOC
        /// `<size>`).
        public var readImageHeaders: Bool
        /// Check a size the annotation states (Pascal VOC `<size>`) against the image's header. When false, a
        /// stated size is taken as written, the header is read only for images whose annotation states none, and
        /// each image taken so carries where its size was stated (`DatasetImage.uncheckedSize`), for a caller that
        /// reads the image's bytes anyway to check it then: an upload saves a file open and read per image.
        public var checkStatedSizes: Bool
        /// The largest annotation file read, in bytes.
        public var maxAnnotationBytes: Int

        /// Creates options; the defaults suit every format.
        public init(
            root: URL? = nil, allowOutsideRoot: Bool = false, readImageHeaders: Bool = true,
            checkStatedSizes: Bool = true, maxAnnotationBytes: Int = 256 * 1024 * 1024
        ) {
            self.root = root
            self.allowOutsideRoot = allowOutsideRoot
            self.readImageHeaders = readImageHeaders
            self.checkStatedSizes = checkStatedSizes
            self.maxAnnotationBytes = maxAnnotationBytes
        }
    }

    /// Reads the dataset at `url` (a folder, or an annotation file).
    /// - Parameters:
    ///   - url: the dataset folder, or a COCO JSON / CSV / YOLO `data.yaml` / manifest file.
    ///   - format: the format; detected with `DatasetFormat.detect(at:)` when nil.
    ///   - options: root, path and size policies.
    /// - Returns: the dataset, and findings about items that were skipped or look wrong (a link inside the dataset
    ///   that leaves the root or loops is one of them: left out, the rest is read).
    /// - Throws: `DatasetError` when the dataset cannot be read at all (a malformed annotation file, a dataset
    ///   folder that is itself a loop or cannot be listed).
    public static func read(
        at url: URL, format: DatasetFormat? = nil, options: Options = Options()
    ) throws -> (Dataset, [Finding]) {
        try read(at: url, format: format, options: options, parts: nil)
    }

    /// Reads the dataset at `url` as `read(at:format:options:)` does, and hands its images to `parts` as they are
    /// read, so that a consumer (an upload) can start on the first ones while the rest are read: Pascal VOC 16 files
    /// first, then 48 (one upload batch in all), then 256 at a time; the other formats all at once when their
    /// annotation file has been read.
    ///
    /// Each part holds the dataset's root, the images read since the previous part (in dataset order) and the tag
    /// names first seen in them; together the parts hold every image of the returned dataset. Findings come only
    /// with the returned dataset.
    public static func read(
        at url: URL, format: DatasetFormat? = nil, options: Options = Options(), parts: ((Dataset) -> Void)?
    ) throws -> (Dataset, [Finding]) {
        let entry = url.standardizedFileURL
        let requested = format
        // Detected COCO is read as `.coco` with its variant told by the reader, which parses the file anyway.
        let given = try format
            ?? (isDirectory(entry) ? nil : DatasetFormat.detect(at: url, listing: nil, decidingCOCOVariant: false))
        // A folder is its own default root whatever its format.
        let root = options.root ?? given.map { defaultRoot(for: url, format: $0) } ?? entry
        let fs = try DatasetFileSystem(
            root: root, allowOutsideRoot: options.allowOutsideRoot, maxFileBytes: options.maxAnnotationBytes)
        var images = ImageLocator(fs: fs, readHeaders: options.readImageHeaders)
        // The walk that detects a folder's format is, when the folder is the root, the one image lookup uses.
        let format = try given ?? DatasetFormat.detect(
            at: url, listing: fs.root.path == entry.path ? { try images.rootListing() } : nil,
            decidingCOCOVariant: false)
        var context = ReadContext(fs: fs, images: images, checkStatedSizes: options.checkStatedSizes)
        context.parts = parts.map { PartEmitter(emit: $0) }
        let dataset: Dataset
        switch format {
        case .voc: dataset = try VOCReader.read(entry, context: &context)
        case .coco, .cocoNormalized:
            // Named by the caller, the variant is as named; detected, each file's boxes tell it.
            let normalized: Bool? = format == .cocoNormalized ? true : (requested == nil ? nil : false)
            dataset = try COCOReader.read(entry, normalized: normalized, context: &context)
        case .yolo: dataset = try YOLOReader.read(entry, context: &context)
        case .csv: dataset = try CSVReader.read(entry, context: &context)
        case .folders: dataset = try FolderReader.read(entry, context: &context)
        case .manifest: dataset = try ManifestReader.read(entry, context: &context)
        case .createml: dataset = try CreateMLReader.read(entry, context: &context)
        }
        context.parts?.emit(upTo: dataset)
        // What the image lookup's walk of the root left out (a reader that lists no folder still used it).
        if let walked = context.images.walkedListing { context.reportSkipped(walked) }
        return (dataset, context.findings)
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    private static func defaultRoot(for url: URL, format: DatasetFormat) -> URL {
        let url = url.standardizedFileURL
        if isDirectory(url) { return url }
        let folder = url.deletingLastPathComponent()
        let parentName = folder.lastPathComponent.lowercased()
        if format == .coco || format == .cocoNormalized || format == .voc, parentName == "annotations" {
            return folder.deletingLastPathComponent()
        }
        return folder
    }
}

/// State shared by a format reader: file access, image lookup, findings, and where read images go early.
struct ReadContext {
    let fs: DatasetFileSystem
    var images: ImageLocator
    /// See `DatasetReader.Options.checkStatedSizes`.
    var checkStatedSizes = true
    var findings: [Finding] = []
    /// Descriptions of the left-out entries already reported.
    var reportedSkips: Set<String> = []
    /// Set when the caller takes images as they are read (see `DatasetReader.read(at:format:options:parts:)`).
    var parts: PartEmitter?

    /// The files below `folder`; the root's listing is walked once and shared with `images`. Entries the walk left
    /// out are error findings (each reported once).
    mutating func listing(in folder: URL, recursive: Bool = true) throws -> DatasetListing {
        let listing = folder.standardizedFileURL.path == fs.root.path && recursive
            ? try images.rootListing() : try fs.listing(in: folder, recursive: recursive)
        reportSkipped(listing)
        return listing
    }

    /// The file URLs below `folder` (see ``listing(in:recursive:)``).
    mutating func files(in folder: URL, recursive: Bool = true) throws -> [URL] {
        try listing(in: folder, recursive: recursive).urls
    }

    /// Records the entries `listing` left out as error findings, once each.
    mutating func reportSkipped(_ listing: DatasetListing) {
        for error in listing.skipped where reportedSkips.insert(error.description).inserted {
            self.error(error.code.rawValue, error.message + "; left out", at: error.location)
        }
    }

    mutating func warn(_ code: String, _ message: String, at place: DatasetLocation) {
        findings.append(Finding(.warning, code, message, at: place))
    }

    mutating func error(_ code: String, _ message: String, at place: DatasetLocation) {
        findings.append(Finding(.error, code, message, at: place))
    }

    /// One warning naming the image files among `files` (a folder's listing) that are not part of `dataset` —
    /// an upload leaves them out, which a missing annotation file or entry would otherwise hide. `unnamedBy` ends
    /// the message: "N image file(s) <unnamedBy> (a, b, c, …)".
    mutating func reportStrayImages(_ files: [String], of dataset: Dataset, code: String, unnamedBy: String) {
        let named = Set(dataset.images.map(\.path.standardizedPath))
        let stray = files.filter { file in
            !named.contains(file)
                && DatasetFileSystem.imageExtensions.contains(FileName(path: file).pathExtension.lowercased())
        }
        guard let first = stray.first else { return }
        let shown = stray.prefix(3).map { fs.displayName(path: $0) }.joined(separator: ", ")
        warn(code, "\(stray.count) image file(s) \(unnamedBy) (\(shown)\(stray.count > 3 ? ", …" : "")): "
            + "not part of the dataset", at: fs.location(path: first))
    }

    /// The dataset of the JSON annotation files (`kind`: "COCO", "Create ML") at `entry`: the file itself, or the
    /// files of a folder that `select` picks, each added by `read`. Images in the folder that no file lists are
    /// reported (`unlistedImage`).
    static func readJSONFiles(
        _ entry: URL, kind: String, select: ([URL], DatasetFileSystem) -> [URL], context: inout ReadContext,
        read: (URL, inout Dataset, inout ReadContext) throws -> Void
    ) throws -> Dataset {
        let listing = DatasetReader.isDirectory(entry) ? try context.listing(in: entry) : nil
        let files = listing.map { select($0.urls, context.fs) } ?? [entry]
        guard !files.isEmpty else {
            throw DatasetError(.unknownFormat, "no \(kind) JSON file found", at: context.fs.location(entry))
        }
        var dataset = Dataset(root: context.fs.root)
        for file in files {
            try read(file, &dataset, &context)
        }
        if let listing {
            context.reportStrayImages(listing.files, of: dataset, code: "unlistedImage",
                                      unnamedBy: "no \(kind) file lists")
        }
        return dataset
    }

    /// The split a folder's name gives its images (Roboflow's `train/`, `valid/`, `test/`).
    static let folderSplits = ["train": "train", "valid": "val", "val": "val", "test": "test"]

    /// The display name and parsed document of the JSON file `file`.
    /// - Throws: `DatasetError.malformed` naming the file when it is not valid JSON; what reading it throws.
    func parseJSON(_ file: URL) throws -> (name: String, json: Any) {
        let name = fs.displayName(file)
        let data = try fs.read(file)
        do {
            return (name, try JSONSerialization.jsonObject(with: data))
        } catch {
            throw DatasetError(
                .malformed, "not valid JSON: \(COCOReader.jsonErrorDetail(error))", at: .init(file: name))
        }
    }

    /// Records `error`, found in one entry of a file (a COCO image or annotation, a manifest line), as an error
    /// finding: the entry (`what`) is skipped and the rest of the file is read.
    mutating func skip(_ error: DatasetError, _ what: String) {
        self.error(error.code.rawValue, error.message + "; \(what) skipped", at: error.location)
    }
}

/// Hands a dataset being read to a consumer in parts: each part the images (and new tag names) added since the last.
struct PartEmitter {
    let emit: (Dataset) -> Void
    private var images = 0
    private var tags = 0

    init(emit: @escaping (Dataset) -> Void) { self.emit = emit }

    /// Emits what `dataset` holds beyond what earlier parts held, if anything.
    mutating func emit(upTo dataset: Dataset) {
        let newTags = dataset.allTags.dropFirst(tags)
        guard dataset.images.count > images || !newTags.isEmpty else { return }
        emit(Dataset(root: dataset.root, images: Array(dataset.images[images...]), tags: Array(newTags)))
        images = dataset.images.count
        tags += newTags.count
    }
}
