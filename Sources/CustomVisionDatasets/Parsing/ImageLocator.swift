import Foundation

/// Finds image files below the root by exact name or by stem, and reads their headers (cached).
struct ImageLocator {
    let fs: DatasetFileSystem
    let readHeaders: Bool
    private var byName: [String: [URL]]?
    private var byStem: [String: [URL]]?
    private var headers: [URL: ImageHeader?] = [:]

    init(fs: DatasetFileSystem, readHeaders: Bool) {
        self.fs = fs
        self.readHeaders = readHeaders
    }

    /// Every image file below the root (by extension), sorted.
    mutating func allImages() throws -> [URL] {
        try buildIndex()
        return (byName ?? [:]).values.flatMap { $0 }.sorted { $0.path < $1.path }
    }

    private mutating func buildIndex() throws {
        guard byName == nil else { return }
        var names: [String: [URL]] = [:]
        var stems: [String: [URL]] = [:]
        for url in try fs.listFiles(in: fs.root)
        where DatasetFileSystem.imageExtensions.contains(url.pathExtension.lowercased()) {
            names[url.lastPathComponent, default: []].append(url)
            stems[url.deletingPathExtension().lastPathComponent, default: []].append(url)
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
        var escape: DatasetError?
        do {
            let direct = try fs.resolve(written, relativeTo: base, at: place)
            if fs.fileExists(direct) { return direct }
        } catch let error as DatasetError where error.code == .pathEscape {
            escape = error
        }
        try buildIndex()
        let name = (written.replacingOccurrences(of: "\\", with: "/") as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        let candidates = byName?[name] ?? byStem?[name] ?? byStem?[stem] ?? []
        if let found = best(candidates, base: base, hint: hint) { return found }
        if let escape { throw escape }
        return nil
    }

    private func best(_ candidates: [URL], base: URL, hint: String?) -> URL? {
        guard candidates.count > 1 else { return candidates.first }
        if let hint, let match = candidates.first(where: { $0.path.contains("/\(hint)/") }) { return match }
        let basePath = base.standardizedFileURL.path
        return candidates.max { commonPrefix($0.path, basePath) < commonPrefix($1.path, basePath) }
    }

    private func commonPrefix(_ a: String, _ b: String) -> Int {
        zip(a.utf8, b.utf8).prefix { $0 == $1 }.count
    }

    /// The header of the image at `url`, nil when missing or unreadable (or headers are not read).
    mutating func header(_ url: URL) -> ImageHeader? {
        guard readHeaders else { return nil }
        if let cached = headers[url] { return cached }
        let header = ImageHeader.read(contentsOf: url)
        headers[url] = header
        return header
    }
}
