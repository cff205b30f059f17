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
            text += " " + merged.keys.sorted().map { "\($0)=\(merged[$0].map { "\($0)" } ?? "")" }.joined(separator: " ")
        }
        FileHandle.standardError.write(Data((redactor.redact(text) + "\n").utf8))
    }
}
