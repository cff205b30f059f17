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
    /// The root with symlinks resolved.
    let realRoot: String
    /// When true, annotation paths may point outside the root.
    let allowOutsideRoot: Bool
    /// Largest annotation file read, in bytes.
    let maxFileBytes: Int

    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "ico"]

    init(root: URL, allowOutsideRoot: Bool = false, maxFileBytes: Int = 512 * 1024 * 1024) throws {
        self.root = root.standardizedFileURL
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
        let path = url.standardizedFileURL.path
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// A location naming `url`.
    func location(_ url: URL, line: Int? = nil, jsonPath: String? = nil) -> DatasetLocation {
        DatasetLocation(file: displayName(url), line: line, jsonPath: jsonPath)
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
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard url.path.hasPrefix(prefix) || url.path == root.path else {
            throw DatasetError(.pathEscape, "path '\(written)' leaves the dataset folder", at: place)
        }
        try checkLink(url, written: written, at: place)
        return url
    }

    /// Throws when an existing file is a symlink loop or a link leading outside the root.
    func checkLink(_ url: URL, written: String, at place: DatasetLocation) throws {
        guard !allowOutsideRoot, isSymlinkOrExists(url.path) else { return }
        guard let real = Self.realPath(url.path) else {
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
        var result: [URL] = []
        var visited: Set<String> = []
        try walk(
            folder.standardizedFileURL, ancestors: [], recursive: recursive, maxDepth: maxDepth,
            visited: &visited, into: &result)
        return result.sorted { $0.path < $1.path }
    }

    private func walk(
        _ folder: URL, ancestors: [String], recursive: Bool, maxDepth: Int, visited: inout Set<String>,
        into result: inout [URL]
    ) throws {
        let place = location(folder)
        guard let real = Self.realPath(folder.path) else {
            let code: DatasetError.Code = errno == ELOOP ? .symlinkLoop : .io
            throw DatasetError(code, code == .symlinkLoop ? "symbolic link loop" : "cannot open folder", at: place)
        }
        guard !ancestors.contains(real) else {
            throw DatasetError(.symlinkLoop, "symbolic link loop: leads back to its parent folder '\(real)'", at: place)
        }
        guard visited.insert(real).inserted else { return }
        guard ancestors.count <= maxDepth else {
            throw DatasetError(.symlinkLoop, "folders nested deeper than \(maxDepth) levels", at: place)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw DatasetError(.io, "cannot list folder: \(error.localizedDescription)", at: place)
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            var info = stat()
            guard lstat(url.path, &info) == 0 else { continue }
            let isLink = (info.st_mode & S_IFMT) == S_IFLNK
            if isLink {
                try checkLink(url, written: displayName(url), at: location(url))
                guard stat(url.path, &info) == 0 else { continue }  // dangling
            }
            let mode = info.st_mode & S_IFMT
            if mode == S_IFDIR {
                if recursive {
                    try walk(
                        url, ancestors: ancestors + [real], recursive: true, maxDepth: maxDepth,
                        visited: &visited, into: &result)
                }
            } else if mode == S_IFREG {
                result.append(url)
            }
        }
    }

    /// Reads a whole annotation file, refusing files over `maxFileBytes`.
    func read(_ url: URL) throws -> Data {
        let place = location(url)
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            let code: DatasetError.Code = errno == ELOOP ? .symlinkLoop : .io
            throw DatasetError(code, "cannot open file", at: place)
        }
        guard Int(info.st_size) <= maxFileBytes else {
            throw DatasetError(
                .fileTooLarge, "file is \(info.st_size) bytes, over the \(maxFileBytes)-byte limit",
                at: place)
        }
        do {
            return try Data(contentsOf: url)
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
}
