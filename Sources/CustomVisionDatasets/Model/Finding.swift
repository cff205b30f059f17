import Foundation

/// A problem found while reading or verifying a dataset.
public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        /// The dataset cannot be used as is (the service would refuse it, or data is lost).
        case error
        /// Probably a mistake, or below the service's guidance.
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
    }

    /// Error or warning.
    public var severity: Severity
    /// A stable machine-readable kind, such as `missingImage` or `boxOutsideImage`.
    public var code: String
    /// A human sentence.
    public var message: String
    /// Where: file and line or JSON path.
    public var location: DatasetLocation

    /// Creates a finding.
    public init(_ severity: Severity, _ code: String, _ message: String, at location: DatasetLocation) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    /// `error: file:line: message [code]`.
    public var description: String { "\(severity.rawValue): \(location): \(message) [\(code)]" }
}
