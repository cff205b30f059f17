import CustomVisionServer
import Foundation

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
            try JSONEncoder().encode(file).write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        }
        return (trainingKey, predictionKey)
    }
}
