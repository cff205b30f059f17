import ArgumentParser
import CustomVisionDatasets
import Foundation

extension DatasetFormat: ExpressibleByArgument {}

/// Reads datasets for commands, reporting findings on stderr and failures as exit 65.
enum DatasetLoading {
    /// Reads the dataset at `path`; prints a count of findings and the first few.
    /// - Throws: ``CLIError/data(_:)`` when it cannot be read or holds no image.
    static func read(_ path: String, format: DatasetFormat?, console: Console) throws -> (Dataset, [Finding]) {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CLIError.data("dataset \(path) does not exist")
        }
        let dataset: Dataset
        let findings: [Finding]
        do {
            (dataset, findings) = try DatasetReader.read(at: url, format: format)
        } catch {
            throw CLIError.data("cannot read dataset \(path): \(describe(error))")
        }
        report(findings, console: console)
        try checkNotEmpty(dataset, findings, path: path)
        return (dataset, findings)
    }

    /// - Throws: ``CLIError/data(_:)`` when `dataset` (read from `path`) holds no image.
    static func checkNotEmpty(_ dataset: Dataset, _ findings: [Finding], path: String) throws {
        guard dataset.images.isEmpty else { return }
        throw CLIError.data("dataset \(path) holds no usable image"
            + (findings.isEmpty ? "" : " (\(findings.count) findings; first: \(findings[0]))"))
    }

    /// A read error as one line: a `DatasetError`'s description, else the error itself.
    static func describe(_ error: any Error) -> String {
        (error as? DatasetError)?.description ?? "\(error)"
    }

    /// Prints `findings` to stderr: a count, then up to five. With `--quiet`, only the errors among those five (and
    /// a count of the rest): errors still print, as `--help` promises.
    static func report(_ findings: [Finding], console: Console) {
        guard !findings.isEmpty else { return }
        let errors = findings.filter { $0.severity == .error }.count
        console.info("dataset: \(errors) errors, \(findings.count - errors) warnings")
        let shown = findings.sorted(by: { $0.severity < $1.severity }).prefix(5)
        for finding in shown {
            if finding.severity == .error { console.problem("  \(finding)") } else { console.info("  \(finding)") }
        }
        if findings.count > 5 { console.info("  … \(findings.count - 5) more (see `cvctl dataset verify`)") }
        let unshownErrors = errors - shown.filter { $0.severity == .error }.count
        if console.quiet, unshownErrors > 0 {
            console.problem("  … \(unshownErrors) more errors (see `cvctl dataset verify`)")
        }
    }

    /// Names a dataset's images by their paths relative to its root (their entry names); the root is standardized
    /// once, not per image.
    struct EntryNamer: Sendable {
        private let rootPrefix: String

        init(root: URL) { rootPrefix = root.standardizedFileURL.path + "/" }

        /// The entry name of the image at `url`.
        func name(of url: URL) -> String {
            let path = url.standardizedPath
            if path.hasPrefix(rootPrefix) { return String(path.dropFirst(rootPrefix.count)) }
            return url.lastPathComponent
        }

        func name(of image: DatasetImage) -> String { name(of: image.path) }
    }
}
