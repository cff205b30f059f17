import Foundation

/// A place in a dataset's files: a file, and optionally a line (text formats) or a JSON path (COCO).
public struct DatasetLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file, as a path relative to the dataset root when inside it, else absolute.
    public var file: String
    /// 1-based line number, for line-oriented files (CSV, YOLO labels, XML).
    public var line: Int?
    /// A JSON path such as `$.annotations[12].bbox`.
    public var jsonPath: String?

    /// Creates a location.
    public init(file: String, line: Int? = nil, jsonPath: String? = nil) {
        self.file = file
        self.line = line
        self.jsonPath = jsonPath
    }

    /// `file:line`, `file $.path`, `file:line $.path` (a JSON Lines document) or `file`.
    public var description: String {
        if let line { return "\(file):\(line)" + (jsonPath.map { " " + $0 } ?? "") }
        if let jsonPath { return "\(file) \(jsonPath)" }
        return file
    }
}
