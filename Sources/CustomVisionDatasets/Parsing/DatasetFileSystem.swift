import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Safe file access below a dataset root: paths from annotation files cannot escape it, symlink loops are
/// reported instead of followed forever, and files have a size cap.
struct DatasetFileSystem: Sendable {
    /// The root as given (standardized).
    let root: URL
    /// `root.path` followed by one `/`: the prefix of every path inside the root.
    let rootPrefix: String
    /// The root with symlinks resolved.
    let realRoot: String
    /// When true, annotation paths may point outside the root.
    let allowOutsideRoot: Bool
    /// Largest annotation file read, in bytes.
    let maxFileBytes: Int

    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "ico"]

    init(root: URL, allowOutsideRoot: Bool = false, maxFileBytes: Int = 512 * 1024 * 1024) throws {
        self.root = root.standardizedFileURL
        self.rootPrefix = self.root.path.hasSuffix("/") ? self.root.path : self.root.path + "/"
        guard let real = Self.realPath(self.root.path) else {
            throw DatasetError(.io, "dataset folder does not exist or cannot be resolved", at: .init(file: root.path))
        }
        self.realRoot = real
        self.allowOutsideRoot = allowOutsideRoot
        self.maxFileBytes = maxFileBytes
    }

    /// `realpath(3)`: nil when the path does not exist or is a symlink loop.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The path relative to the root when inside it, else absolute: how files are named in findings.
    func displayName(_ url: URL) -> String {
        displayName(path: url.standardizedFileURL.path)
    }

    /// `displayName(_:)` of a standardized path.
    func displayName(path: String) -> String {
        path.hasPrefix(rootPrefix) ? String(path.dropFirst(rootPrefix.count)) : path
    }

    /// A location naming `url`.
    func location(_ url: URL, line: Int? = nil, jsonPath: String? = nil) -> DatasetLocation {
        DatasetLocation(file: displayName(url), line: line, jsonPath: jsonPath)
    }

    /// A location naming the file at a standardized `path`.
    func location(path: String, line: Int? = nil) -> DatasetLocation {
        DatasetLocation(file: displayName(path: path), line: line)
    }

    private func isInside(_ realPath: String) -> Bool {
        realPath == realRoot || realPath.hasPrefix(realRoot.hasSuffix("/") ? realRoot : realRoot + "/")
    }

    /// Resolves a path written in an annotation file, relative to `base` (a folder inside the root).
    /// - Throws: `DatasetError.pathEscape` when the path leaves the root (lexically, or through a symlink),
    ///   `.symlinkLoop` when it names a symlink loop.
    func resolve(_ written: String, relativeTo base: URL, at place: DatasetLocation) throws -> URL {
        let cleaned = written.replacingOccurrences(of: "\\", with: "/")
        guard !cleaned.isEmpty, !cleaned.contains("\0") else {
            throw DatasetError(.invalidValue, "empty or invalid file name '\(written)'", at: place)
        }
        let url =
            cleaned.hasPrefix("/")
            ? URL(fileURLWithPath: cleaned).standardizedFileURL
            : base.appendingPathComponent(cleaned).standardizedFileURL
        if allowOutsideRoot { return url }
        guard url.path.hasPrefix(rootPrefix) || url.path == root.path else {
            throw DatasetError(.pathEscape, "path '\(written)' leaves the dataset folder", at: place)
        }
        try checkLink(url.path, written: written, at: place)
        return url
    }

    /// Throws when an existing file is a symlink loop or a link leading outside the root.
    func checkLink(_ path: String, written: String, at place: DatasetLocation) throws {
        guard !allowOutsideRoot, isSymlinkOrExists(path) else { return }
        guard let real = Self.realPath(path) else {
            if errno == ELOOP {
                throw DatasetError(.symlinkLoop, "'\(written)' is a symbolic link loop", at: place)
            }
            return  // dangling link: treated as a missing file by the caller
        }
        guard isInside(real) else {
            throw DatasetError(
                .pathEscape, "'\(written)' is a link to '\(real)', outside the dataset folder", at: place)
        }
    }

    private func isSymlinkOrExists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// All regular files below `folder`, sorted by path, following links that stay inside the root. A link to a
    /// folder already listed (an alias, not a loop) is skipped so no file is listed twice.
    /// - Throws: `.symlinkLoop` naming the link that leads back to one of its own parent folders.
    func listFiles(in folder: URL, recursive: Bool = true, maxDepth: Int = 24) throws -> [URL] {
        try listing(in: folder, recursive: recursive, maxDepth: maxDepth).urls
    }

    /// Reads a whole annotation file, refusing files over `maxFileBytes`.
    func read(_ url: URL) throws -> Data {
        Data(try readBytes(url.path, at: location(url)))
    }

    /// Reads the whole file at `path` with one `open`, `fstat` and reads to the end, refusing files over
    /// `maxFileBytes`. Anything unusual (the open fails, not a regular file, a read error) is left to
    /// `readThroughFoundation`, whose errors name the cause in Foundation's words.
    /// - Parameter place: names the file in errors (an autoclosure: only built on failure).
    func readBytes(_ path: String, at place: @autoclosure () -> DatasetLocation) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)  // non-blocking: a FIFO is not waited on here
        guard fd >= 0 else { return try readThroughFoundation(path, at: place()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return try readThroughFoundation(path, at: place())
        }
        try checkSize(info, at: place())
        guard let bytes = FileDescriptorReading.readToEnd(fd, expected: Int(info.st_size)) else {
            return try readThroughFoundation(path, at: place())
        }
        return bytes
    }

    private func checkSize(_ info: stat, at place: DatasetLocation) throws {
        guard Int(info.st_size) <= maxFileBytes else {
            throw DatasetError(
                .fileTooLarge, "file is \(info.st_size) bytes, over the \(maxFileBytes)-byte limit",
                at: place)
        }
    }

    /// `stat`, then Foundation's `Data(contentsOf:)`: the slow path, whose errors name the cause.
    private func readThroughFoundation(_ path: String, at place: DatasetLocation) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code: DatasetError.Code = errno == ELOOP ? .symlinkLoop : .io
            throw DatasetError(code, "cannot open file", at: place)
        }
        try checkSize(info, at: place)
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DatasetError(.io, "cannot read file: \(error.localizedDescription)", at: place)
        }
    }

    /// Reads a text file as UTF-8 (a BOM is dropped).
    func readText(_ url: URL) throws -> String {
        var data = try read(url)
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DatasetError(.malformed, "file is not valid UTF-8 text", at: location(url))
        }
        return text
    }

    /// True when a regular file exists at `url` (following links).
    func fileExists(_ url: URL) -> Bool {
        var info = stat()
        return stat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The size of a file in bytes, nil when it does not exist.
    func fileSize(_ url: URL) -> Int? {
        var info = stat()
        return stat(url.path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Up to the first 64 KiB of a JSON file from its first byte that is not white space (or a byte-order mark), for
    /// telling a COCO document from a Create ML one without parsing it; nil when it cannot be read or is over
    /// 512 MiB, more than any reader takes.
    func jsonHead(_ url: URL) -> [UInt8]? {
        guard let size = fileSize(url), size < 512 * 1024 * 1024,
            let handle = try? FileHandle(forReadingFrom: url)
        else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 64 * 1024)) ?? Data())
        return Array(head.drop { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) })
    }
}
