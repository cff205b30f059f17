import Foundation

/// Folders commands write into (`--draw`, `--to`, `--out`), and the folders of files they write (`--report`).
enum OutputFolder {
    /// Creates the folder at `path` with its parents (an existing folder is fine).
    /// - Throws: ``CLIError/data(_:)`` naming the path when it is a file or cannot be created.
    static func create(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError.data("cannot write into \(path): it is a file, not a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CLIError.data("cannot create the folder \(path): \(error.localizedDescription)")
        }
    }

    /// Checks, before any work, that a file can be written at `path` later: it is not a folder, and its folder
    /// exists and is writable.
    /// - Throws: ``CLIError/data(_:)`` naming `path`.
    static func checkFile(_ path: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIError.data("cannot write \(path): it is a folder")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
            fm.isWritableFile(atPath: folder)
        else { throw CLIError.data("cannot write \(path): no writable folder \(folder)") }
    }
}
