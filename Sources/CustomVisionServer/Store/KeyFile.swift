import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Generated keys are kept in `<data-dir>/keys.json` (mode 0600), so a restart keeps the keys clients already have.
/// Keys the caller gives (cvserver: by flag or environment) win and are never written.
public struct KeyFile: Codable {
    var trainingKey: String?
    var predictionKey: String?

    /// The keys to use: given ones, else stored ones, else new ones (stored when there is a data directory).
    public static func resolve(
        training: String?, prediction: String?, dataDirectory: URL?
    ) throws -> (String, String) {
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
            // Created with mode 0600 under another name, then renamed over the old file: the keys are never
            // readable by others, not even between a write and a chmod.
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".keys.json.tmp")
            unlink(temporary.path)
            try FileIO.writeSynced(Array(try JSONEncoder().encode(file)), to: temporary.path, mode: 0o600)
            try FileIO.moveSynced(temporary.path, to: url.path)
        }
        return (trainingKey, predictionKey)
    }
}
