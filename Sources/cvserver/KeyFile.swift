import CustomVisionServer
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Generated keys are kept in `<data-dir>/keys.json` (mode 0600), so a restart keeps the keys clients already have.
/// Keys given by flag or environment win and are never written.
struct KeyFile: Codable {
    var trainingKey: String?
    var predictionKey: String?

    /// The keys to use: given ones, else stored ones, else new ones (stored when there is a data directory).
    static func resolve(training: String?, prediction: String?, dataDirectory: URL?) throws -> (String, String) {
        let url = dataDirectory?.appendingPathComponent("keys.json")
        let stored = url.flatMap { try? Data(contentsOf: $0) }.flatMap {
            try? JSONDecoder().decode(KeyFile.self, from: $0)
        }
        let trainingKey = training ?? stored?.trainingKey ?? ServerConfiguration.generateKey()
        let predictionKey = prediction ?? stored?.predictionKey ?? ServerConfiguration.generateKey()
        let generated =
            (training == nil && stored?.trainingKey == nil) || (prediction == nil && stored?.predictionKey == nil)
        if let url, generated {
            let file = KeyFile(
                trainingKey: training == nil ? trainingKey : stored?.trainingKey,
                predictionKey: prediction == nil ? predictionKey : stored?.predictionKey)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try writePrivately(try JSONEncoder().encode(file), to: url)
        }
        return (trainingKey, predictionKey)
    }

    /// Writes `data` to a new file created with mode 0600 beside `url`, then renames it over `url`: the keys are
    /// never readable by others, not even between a write and a chmod.
    static func writePrivately(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        unlink(temporary.path)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var written = 0
        let ok = data.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                written += n
            }
            return fsync(fd) == 0
        }
        let error = errno
        close(fd)
        guard ok, rename(temporary.path, url.path) == 0 else {
            let code = ok ? errno : error
            unlink(temporary.path)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }
}
