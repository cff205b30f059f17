import Foundation
import Logging

/// A log handler for `--verbose`: writes to stderr with every known key replaced by `***`.
struct RedactingLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug
    let redactor: Redactor

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var text = "[\(event.level)] \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        if !merged.isEmpty {
            let pairs = merged.keys.sorted().map { key in "\(key)=\(merged[key].map { "\($0)" } ?? "")" }
            text += " " + pairs.joined(separator: " ")
        }
        FileHandle.standardError.write(Data((redactor.redact(text) + "\n").utf8))
    }
}
