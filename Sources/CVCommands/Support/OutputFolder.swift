import Foundation

/// Folders commands write into (`--draw`, `--to`, `--out`).
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
}
