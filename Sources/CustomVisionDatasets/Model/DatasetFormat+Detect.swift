import Foundation

extension DatasetFormat {
    /// Recognises the format of a dataset folder or annotation file from its files and contents.
    ///
    /// Files: `.xml` → VOC; `.json` → Create ML when the document is an array, else COCO, or normalized COCO
    /// when every bbox value lies within 0…1; `.jsonl` → manifest; `.csv` → CSV; `.yaml` → YOLO. Folders:
    /// `data.yaml`/`classes.txt` → YOLO; XML files → VOC; a Create ML JSON → Create ML; a COCO JSON → COCO;
    /// a `.jsonl` → manifest; a `.csv` → CSV; sub-folders of images → folders.
    /// - Throws: `DatasetError.unknownFormat` naming the path when nothing matches.
    public static func detect(at url: URL) throws -> DatasetFormat {
        try detect(at: url, listing: nil)
    }

    /// `detect(at:)`, walking a folder with `listing` when given (a reader's own walk of the same folder, which it
    /// then reuses) instead of a walk of its own. Without `decidingCOCOVariant`, a COCO file is `.coco` unread: the
    /// reader, which parses it anyway, tells the variant (see `COCOReader.looksNormalized(_:)`).
    static func detect(
        at url: URL, listing: (() throws -> DatasetListing)?, decidingCOCOVariant: Bool = true
    ) throws -> DatasetFormat {
        let url = url.standardizedFileURL
        let place = DatasetLocation(file: url.path)
        if !DatasetReader.isDirectory(url) {
            switch url.pathExtension.lowercased() {
            case "xml": return .voc
            case "json":
                if isCreateML(url) { return .createml }
                return decidingCOCOVariant ? try cocoVariant(of: url) : .coco
            case "jsonl": return .manifest
            case "csv": return .csv
            case "yaml", "yml": return .yolo
            default: throw DatasetError(.unknownFormat, "cannot tell the format of this file", at: place)
            }
        }
        let fs = try DatasetFileSystem(root: url, allowOutsideRoot: true)  // names only: links are not followed out
        let top = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        if top.contains(where: { ["data.yaml", "data.yml", "classes.txt", "obj.names"].contains($0) }) { return .yolo }
        // Paths, not URLs: a folder of thousands of files is looked at without building a URL per file.
        let paths = try (listing?() ?? fs.listing(in: url)).files
        // VOC goes first, and one XML file settles it: looked for before the rest is split into names.
        if paths.contains(where: { FileName(path: $0).pathExtension.lowercased() == "xml" }) { return .voc }
        let files = paths.map { (folder: DatasetFileSystem.folder(of: $0), name: FileName(path: $0)) }
        let extensions = Set(files.map { $0.name.pathExtension.lowercased() })
        let json = paths.filter { FileName(path: $0).pathExtension.lowercased() == "json" }
        // Each JSON file's head is read once and asked both questions.
        let heads = json.compactMap { path in
            let url = URL(fileURLWithPath: path)
            return fs.jsonHead(url).map { (url: url, head: $0) }
        }
        if heads.contains(where: { CreateMLReader.isCreateML(head: $0.head) }) { return .createml }
        if let coco = heads.first(where: { COCOReader.isCOCO(head: $0.head) })?.url {
            return decidingCOCOVariant ? try cocoVariant(of: coco) : .coco
        }
        if extensions.contains("jsonl") { return .manifest }
        if files.contains(where: { $0.name.pathExtension.lowercased() == "csv" && $0.folder == url.path }) {
            return .csv
        }
        // YOLO's layout without its class names (data.yaml, classes.txt): label files under a `labels` folder. Read
        // as folder-per-class, its boxes would be dropped without a word; as YOLO, the missing names are an error.
        let labelFiles = files.contains {
            $0.name.pathExtension.lowercased() == "txt" && $0.folder.split(separator: "/").contains("labels")
        }
        if labelFiles, files.contains(where: { $0.folder.split(separator: "/").contains("images") }) { return .yolo }
        let inFolders = files.contains {
            DatasetFileSystem.imageExtensions.contains($0.name.pathExtension.lowercased()) && $0.folder != url.path
        }
        if inFolders { return .folders }
        throw DatasetError(
            .unknownFormat, "no annotation files recognised (VOC, COCO, YOLO, CSV, manifest, Create ML, folders)",
            at: place)
    }

    /// Whether the JSON file `url` is a Create ML document (an array), judged from its first byte that is not white
    /// space; a file that cannot be read is left to the COCO reader, which reports it.
    static func isCreateML(_ url: URL) -> Bool {
        guard let fs = try? DatasetFileSystem(root: url.deletingLastPathComponent(), allowOutsideRoot: true),
            let head = fs.jsonHead(url)
        else { return false }
        return head.first == UInt8(ascii: "[")
    }

    /// `.cocoNormalized` when every bbox value is within 0…1 (and there is at least one), else `.coco`.
    static func cocoVariant(of url: URL) throws -> DatasetFormat {
        let fs = try DatasetFileSystem(
            root: url.deletingLastPathComponent(), allowOutsideRoot: true,
            maxFileBytes: DatasetReader.Options().maxAnnotationBytes)
        let data = try fs.read(url)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw DatasetError(.malformed, "not valid JSON: \(COCOReader.jsonErrorDetail(error))",
                               at: DatasetLocation(file: url.path))
        }
        guard let json = parsed as? [String: Any] else {
            throw DatasetError(.malformed, "not a JSON object", at: DatasetLocation(file: url.path))
        }
        return COCOReader.looksNormalized(json) ? .cocoNormalized : .coco
    }
}
