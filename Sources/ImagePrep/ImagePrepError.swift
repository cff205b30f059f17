/// A failure to read, validate or prepare an image.
///
/// `code` is an open set (a struct with static members, not an enum) so new failures can be added without breaking
/// callers; match it with `==` or a `switch` over the statics. The description names the file when it is known and
/// never contains image bytes.
public struct ImagePrepError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an open set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case empty, truncated, corrupt, unsupportedFormat, tooManyPixels, tooSmall, tooLarge, encodingFailed
            case invalidOptions
        }

        private let kind: Kind
        /// The format's name for `unsupportedFormat` (e.g. "GIF"), otherwise nil.
        public let formatName: String?

        private init(_ kind: Kind, formatName: String? = nil) {
            self.kind = kind
            self.formatName = formatName
        }

        /// The input has no bytes.
        public static let empty = Code(.empty)
        /// The data ends before the image does.
        public static let truncated = Code(.truncated)
        /// The data is damaged or is not an image (bad markers, bad CRC, unknown signature).
        public static let corrupt = Code(.corrupt)
        /// A recognised format that preparation does not decode (GIF, BMP, WEBP, TIFF).
        public static func unsupportedFormat(_ name: String) -> Code { Code(.unsupportedFormat, formatName: name) }
        /// Width × height exceeds the pixel limit (checked from the header, before any pixel is allocated).
        public static let tooManyPixels = Code(.tooManyPixels)
        /// A side is shorter than the minimum.
        public static let tooSmall = Code(.tooSmall)
        /// The encoded output exceeds the byte limit.
        public static let tooLarge = Code(.tooLarge)
        /// The encoder failed.
        public static let encodingFailed = Code(.encodingFailed)
        /// The options cannot be satisfied (e.g. a zero target size).
        public static let invalidOptions = Code(.invalidOptions)

        /// True for every `unsupportedFormat(_:)` code, whatever the format.
        public var isUnsupportedFormat: Bool { kind == .unsupportedFormat }

        public var description: String {
            switch kind {
            case .empty: "empty"
            case .truncated: "truncated"
            case .corrupt: "corrupt"
            case .unsupportedFormat: "unsupportedFormat(\(formatName ?? "?"))"
            case .tooManyPixels: "tooManyPixels"
            case .tooSmall: "tooSmall"
            case .tooLarge: "tooLarge"
            case .encodingFailed: "encodingFailed"
            case .invalidOptions: "invalidOptions"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation (from the decoder where there is one).
    public var message: String
    /// The file's name, when the caller gave one.
    public var fileName: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, fileName: String? = nil) {
        self.code = code
        self.message = message
        self.fileName = fileName
    }

    /// An error with the `corrupt` code (the skeleton's initialiser, kept for source compatibility).
    public init(_ message: String) { self.init(.corrupt, message) }

    /// The same error naming `fileName` (kept if this error already names one).
    public func naming(_ fileName: String?) -> ImagePrepError {
        var copy = self
        if copy.fileName == nil { copy.fileName = fileName }
        return copy
    }

    public var description: String {
        let prefix = fileName.map { "\($0): " } ?? ""
        return "\(prefix)\(code): \(message)"
    }
}
