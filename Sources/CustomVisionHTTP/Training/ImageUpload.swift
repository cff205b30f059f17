import Foundation

/// One image for ``TrainingClient/createImagesFromData(projectId:images:tagIds:)``: a file name and its bytes.
public struct ImageUpload: Sendable, Hashable {
    /// The file name sent with the part (the service echoes it, quoted, as `sourceUrl`).
    public var name: String
    /// The encoded image (JPEG, PNG, GIF or BMP; at most 6 MB).
    public var data: Data

    /// Creates an upload.
    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }

    /// Creates an upload from bytes as ImagePrep hands them over (`PreparedImage.bytes`).
    public init(name: String, bytes: [UInt8]) {
        self.init(name: name, data: Data(bytes))
    }

    /// The media type guessed from the first bytes, for the part's `Content-Type`.
    var contentType: String {
        let head = [UInt8](data.prefix(4))
        if head.starts(with: [0xFF, 0xD8]) { return "image/jpeg" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0x47, 0x49, 0x46]) { return "image/gif" }
        if head.starts(with: [0x42, 0x4D]) { return "image/bmp" }
        return "application/octet-stream"
    }

    /// A multipart `imageData` part.
    var part: MultipartPart { MultipartPart(name: "imageData", filename: name, contentType: contentType, data: data) }
}
