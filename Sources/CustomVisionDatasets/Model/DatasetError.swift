import Foundation

/// A dataset that cannot be read or written at all: malformed file, path escaping the root, symlink loop, …
///
/// The description always names the place (file and line or JSON path).
public struct DatasetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; an open set.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable {
        /// The code as findings show it, e.g. `pathEscape`.
        public var rawValue: String
        /// Wraps a code, known or not.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The file is not well-formed XML, JSON, YAML or CSV.
        public static let malformed = Code(rawValue: "malformed")
        /// A value has the wrong type or is out of range.
        public static let invalidValue = Code(rawValue: "invalidValue")
        /// A required element, key or column is missing.
        public static let missingField = Code(rawValue: "missingField")
        /// A path leaves the dataset root.
        public static let pathEscape = Code(rawValue: "pathEscape")
        /// A symbolic link loop, or too deep a folder tree.
        public static let symlinkLoop = Code(rawValue: "symlinkLoop")
        /// A file is larger than the reader accepts.
        public static let fileTooLarge = Code(rawValue: "fileTooLarge")
        /// The file or folder cannot be read or written.
        public static let io = Code(rawValue: "io")
        /// The format could not be recognised.
        public static let unknownFormat = Code(rawValue: "unknownFormat")
        /// The XML uses a DTD or entity declarations, which are refused.
        public static let forbiddenConstruct = Code(rawValue: "forbiddenConstruct")
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong.
    public var message: String
    /// Where.
    public var location: DatasetLocation

    /// Creates an error.
    public init(_ code: Code, _ message: String, at location: DatasetLocation) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }
}
