import CustomVisionCore
import Foundation

/// Finds image files below the root by exact name or by stem, and reads their headers (cached).
///
/// The root is walked once (`rootListing()`, shared with readers that list the root themselves); a name the walk
/// saw is found without touching the file system, and a name its folder does not hold is known to be missing.
/// Anything else (hidden files, links, folders the walk skipped) is resolved through `DatasetFileSystem.resolve`.
struct ImageLocator {
    /// An image found: its standardized path and its URL.
    struct Located {
        var path: String
        var url: URL
    }

    let fs: DatasetFileSystem
    let readHeaders: Bool
    private var listing: DatasetListing?
    private var listedFiles: Set<String> = []
    private var byName: [String: [String]]?
    private var byStem: [String: [String]]?
    private var headers: [String: ImageFileHeader?] = [:]

    init(fs: DatasetFileSystem, readHeaders: Bool) {
        self.fs = fs
        self.readHeaders = readHeaders
    }

    /// The root's listing when it has been walked.
    var walkedListing: DatasetListing? { listing }

    /// Every file below the root (walked once, then cached).
    mutating func rootListing() throws -> DatasetListing {
        if let listing { return listing }
        let walked = try fs.listing(in: fs.root)
        listing = walked
        listedFiles = Set(walked.files)
        return walked
    }

    /// Every image file below the root (by extension), sorted.
    mutating func allImages() throws -> [URL] {
        try buildIndex()
        return (byName ?? [:]).values.flatMap { $0 }.sorted().map { URL(fileURLWithPath: $0, isDirectory: false) }
    }

    private mutating func buildIndex() throws {
        guard byName == nil else { return }
        let files = try rootListing().files
        // Sized for every file up front (most are images or their annotations): no rehashing while indexing.
        var names = [String: [String]](minimumCapacity: files.count)
        var stems = [String: [String]](minimumCapacity: files.count)
        for path in files {
            let parts = FileName(path: path)
            guard DatasetFileSystem.imageExtensions.contains(parts.pathExtension.lowercased()) else { continue }
            names[parts.name, default: []].append(path)
            stems[parts.stem, default: []].append(path)
        }
        byName = names
        byStem = stems
    }

    /// Finds the image an annotation names: the written path relative to `base` when it exists, else a file of
    /// that name anywhere below the root, else a file with that stem (names written without their extension).
    /// Among several candidates the one closest to `base` (or whose path contains `hint`) wins. A path leaving the
    /// root (an absolute path from the labelling machine, `../x.jpg`) is never read: an image of the same name
    /// inside the root is used instead, and only when there is none is the escape an error.
    /// - Throws: `DatasetError.pathEscape` for a path leaving the root with no same-named image inside it.
    mutating func locate(_ written: String, base: URL, hint: String? = nil, at place: DatasetLocation) throws -> URL? {
        try locate(written, base: base, basePath: nil, hint: hint, at: place)?.url
    }

    /// `locate(_:base:hint:at:)`, given also `base`'s standardized path when the caller knows it (a folder of the
    /// listing): then a plain file name is looked up in the listing instead of the file system, and `base` is only
    /// built when the file system must be asked.
    mutating func locate(
        _ written: String, base: @autoclosure () -> URL, basePath: String?, hint: String? = nil,
        at place: DatasetLocation
    ) throws -> Located? {
        var escape: DatasetError?
        var name: String
        if let basePath, let listing, FileName.isPlainName(written), listing.namesByFolder[basePath] != nil {
            // What `fs.resolve` and `fs.fileExists` would find, known from the walk (which checked every link).
            let direct = DatasetFileSystem.join(basePath, written)
            guard direct.hasPrefix(fs.rootPrefix), listedFiles.contains(direct) || listing.isKnownAbsent(direct) else {
                return try locate(written, base: base(), basePath: nil, hint: hint, at: place)
            }
            if listedFiles.contains(direct) { return Located(path: direct, url: Self.url(direct)) }
            name = written  // what `lastPathComponent` gives for a name without '/'
        } else {
            do {
                let direct = try fs.resolve(written, relativeTo: base(), at: place)
                if fs.fileExists(direct) { return Located(path: direct.path, url: direct) }
            } catch let error as DatasetError where error.code == .pathEscape {
                escape = error
            }
            name = (written.replacingOccurrences(of: "\\", with: "/") as NSString).lastPathComponent
        }
        try buildIndex()
        var candidates = byName?[name] ?? byStem?[name]
        if candidates == nil {
            name = (name as NSString).deletingPathExtension
            candidates = byStem?[name]
        }
        if let found = best(candidates ?? [], base: basePath ?? base().standardizedFileURL.path, hint: hint) {
            return Located(path: found, url: Self.url(found))
        }
        if let escape { throw escape }
        return nil
    }

    private static func url(_ path: String) -> URL { URL(fileURLWithPath: path, isDirectory: false) }

    private func best(_ candidates: [String], base basePath: String, hint: String?) -> String? {
        guard candidates.count > 1 else { return candidates.first }
        if let hint, let match = candidates.first(where: { $0.contains("/\(hint)/") }) { return match }
        return candidates.max { commonPrefix($0, basePath) < commonPrefix($1, basePath) }
    }

    private func commonPrefix(_ a: String, _ b: String) -> Int {
        zip(a.utf8, b.utf8).prefix { $0 == $1 }.count
    }

    /// The header of the image at `url`, nil when missing or unreadable (or headers are not read).
    mutating func header(_ url: URL) -> ImageFileHeader? {
        header(path: url.path)
    }

    /// Reads the headers of the images at `paths` (standardized) on every core, for `header(path:)` to find.
    mutating func prefetchHeaders(_ paths: [String]) {
        guard readHeaders else { return }
        let missing = Array(Set(paths.filter { headers[$0] == nil }))
        for (path, header) in zip(missing, missing.concurrentMap { ImageFileHeader.read(path: $0) }) {
            headers[path] = .some(header)
        }
    }

    /// The header of the image at `path`, as `header(_:)`.
    mutating func header(path: String) -> ImageFileHeader? {
        guard readHeaders else { return nil }
        if let cached = headers[path] { return cached }
        let header = ImageFileHeader.read(path: path)
        headers[path] = header
        return header
    }
}
