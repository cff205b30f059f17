import Foundation

/// Folders commands write into (`--draw`, `--to`, `--out`), and the folders of files they write (`--report`).
enum OutputFolder {
    /// Creates the folder at `path` with its parents (an existing folder is fine).
    /// - Throws: ``CLIError/data(_:)`` naming the path when it is a file or cannot be created.
    static func create(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw notAFolder(path)
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CLIError.data("cannot create the folder \(path): \(error.localizedDescription)")
        }
    }

    /// Checks, before any work, that a dataset may be written into the folder at `path`: it does not exist yet, it
    /// is empty, or `overwrite` allows writing among the files it holds. Writing into a folder that holds another
    /// dataset would silently mix the two.
    /// - Throws: ``CLIError/data(_:)`` naming the path and what to do, or as ``create(_:)`` does for a file.
    static func checkUnused(_ path: String, overwrite: Bool) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw notAFolder(path) }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
            .filter { !removeIfStaleStaging($0, in: path) }
        guard !overwrite, let first = entries.first else { return }
        let more = entries.count > 1 ? " and \(entries.count - 1) more" : ""
        throw CLIError.data("cannot write into \(path): it already holds files (\(first)\(more)), and a dataset "
            + "written there would be mixed with them; use an empty or new folder, or pass --overwrite to write "
            + "into it anyway (files of the same names are replaced, the others kept)")
    }

    /// The staging folders `dataset prepare` and `dataset pull` write in before moving files into place.
    enum Staging: String, CaseIterable {
        case prepared = ".cvctl-prepared-"
        case pull = ".cvctl-pull-"
    }

    /// This process's staging folder of `kind` in the output folder `out` (its name ends with the process id).
    static func staging(_ kind: Staging, in out: String) -> URL {
        URL(fileURLWithPath: out).appendingPathComponent(kind.rawValue + "\(getpid())")
    }

    /// Removes `name` (in `folder`) when it is a staging folder left by a cvctl that is no longer running (killed or
    /// crashed mid-write), and says so; a staging folder of a live process is left alone (and counts as a file).
    private static func removeIfStaleStaging(_ name: String, in folder: String) -> Bool {
        guard let prefix = Staging.allCases.map(\.rawValue).first(where: name.hasPrefix),
            let pid = pid_t(name.dropFirst(prefix.count)), pid > 0, kill(pid, 0) != 0, errno == ESRCH
        else { return false }
        return (try? FileManager.default.removeItem(atPath: folder + "/" + name)) != nil
    }

    private static func notAFolder(_ path: String) -> CLIError {
        CLIError.data("cannot write into \(path): it is a file, not a folder")
    }

    /// Checks, before any work, that a file can be written at `path` later: it is not a folder, and its folder
    /// exists (made first, with its parents, when `makingFolder`) and is writable.
    /// - Throws: ``CLIError/data(_:)`` naming `path`.
    static func checkFile(_ path: String, makingFolder: Bool = false) throws {
        let fm = FileManager.default
        if makingFolder {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw CLIError.data("cannot write \(path): cannot make its folder \(folder.path)")
            }
        }
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
