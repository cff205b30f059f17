import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The files below a folder, as `DatasetFileSystem.listing(in:)` walked them: paths, not URLs, so that a reader
/// builds a URL only for the files it keeps, and a record of every name in each folder walked, so that a name known
/// to be absent needs no `stat`.
struct DatasetListing: Sendable {
    /// Paths of the regular files found (following links that stay inside the root), sorted.
    var files: [String] = []
    /// Every name in each folder walked (hidden names, folders and links included), by the folder's path.
    var namesByFolder: [String: Set<String>] = [:]
    /// Entries below the walked folder that were left out, each with why: a link leading out of the root or back
    /// into its own parents, a folder nested too deep or that cannot be listed. The rest of the walk goes on.
    var skipped: [DatasetError] = []

    /// The file URLs, in order.
    var urls: [URL] { files.map { URL(fileURLWithPath: $0, isDirectory: false) } }

    /// True when `path` is known not to exist: its folder was walked and holds no entry of that name. False means
    /// "ask the file system".
    func isKnownAbsent(_ path: String) -> Bool {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")),
            let names = namesByFolder[String(DatasetFileSystem.folder(of: path))]
        else { return false }
        return !names.contains(String(path[path.utf8.index(after: slash)...]))
    }
}

extension DatasetFileSystem {
    /// `path/name` (a single `/` even when `path` is the file-system root).
    static func join(_ path: String, _ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// The folder part of a standardized `path`, as `deletingLastPathComponent().path` gives it: `/` for a file at
    /// the top, "" for a path without any `/`.
    static func folder(of path: String) -> Substring {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return slash == path.utf8.startIndex ? "/" : path[..<slash]
    }

    /// All regular files below `folder` and the names of each folder walked. See `listFiles(in:recursive:maxDepth:)`.
    func listing(in folder: URL, recursive: Bool = true, maxDepth: Int = 24) throws -> DatasetListing {
        var listing = DatasetListing()
        var visited: Set<String> = []
        try walk(
            folder.standardizedFileURL.path, ancestors: [], recursive: recursive, maxDepth: maxDepth,
            visited: &visited, into: &listing)
        listing.files.sort()
        return listing
    }

    /// Lists `folder` with `opendir`/`readdir`: the entry type from `readdir` spares a `stat` per file; links and
    /// entries of unknown type are checked with `lstat`/`stat` as before.
    private func walk(
        _ folder: String, ancestors: [String], recursive: Bool, maxDepth: Int, visited: inout Set<String>,
        into listing: inout DatasetListing
    ) throws {
        let place = location(path: folder)
        guard let real = Self.realPath(folder) else {
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
        let entries = try Self.entries(of: folder, at: place)
        listing.namesByFolder[folder] = Set(entries.lazy.map(\.name))
        for entry in entries.sorted(by: { $0.name < $1.name }) where !entry.name.hasPrefix(".") {
            let path = Self.join(folder, entry.name)
            let mode: mode_t
            switch entry.type {
            case UInt8(DT_REG): mode = S_IFREG
            case UInt8(DT_DIR): mode = S_IFDIR
            case UInt8(DT_LNK), UInt8(DT_UNKNOWN):
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFLNK {
                    do {
                        try checkLink(path, written: displayName(path: path), at: location(path: path))
                    } catch let error as DatasetError {
                        listing.skipped.append(error)
                        continue
                    }
                    guard stat(path, &info) == 0 else { continue }  // dangling
                }
                mode = info.st_mode & S_IFMT
            default: continue  // FIFO, socket, device
            }
            if mode == S_IFDIR {
                if recursive {
                    do {
                        try walk(
                            path, ancestors: ancestors + [real], recursive: true, maxDepth: maxDepth,
                            visited: &visited, into: &listing)
                    } catch let error as DatasetError {
                        listing.skipped.append(error)  // this folder is left out, not the walk
                    }
                }
            } else if mode == S_IFREG {
                listing.files.append(path)
            }
        }
    }

    /// The names in `folder` (without `.` and `..`) and their `readdir` types. A name that is not valid UTF-8 gets
    /// type `DT_UNKNOWN`, so its repaired spelling is checked with `lstat` (and skipped, as it names no file).
    /// - Throws: `.io` with `FileManager`'s explanation when the folder cannot be listed.
    private static func entries(of folder: String, at place: DatasetLocation) throws -> [(name: String, type: UInt8)] {
        guard let directory = opendir(folder) else {
            do {  // FileManager words the error; should the folder have become readable, its names are used
                return try FileManager.default.contentsOfDirectory(atPath: folder).map { ($0, UInt8(DT_UNKNOWN)) }
            } catch {
                throw DatasetError(.io, "cannot list folder: \(error.localizedDescription)", at: place)
            }
        }
        defer { closedir(directory) }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(directory) {
            let (name, valid) = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[..<(raw.firstIndex(of: 0) ?? raw.count)])
                let valid = String(validating: bytes, as: UTF8.self)
                return (valid ?? String(decoding: bytes, as: UTF8.self), valid != nil)
            }
            guard name != ".", name != ".." else { continue }
            entries.append((name, valid ? entry.pointee.d_type : UInt8(DT_UNKNOWN)))
        }
        return entries
    }
}
