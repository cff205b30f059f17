import CustomVisionCore

/// The result of `ImagePreparer.prepare`: encoded bytes ready to upload, and the boxes moved onto them.
public struct PreparedImage: Sendable, Hashable {
    /// The encoded image (JPEG or PNG, as the options asked).
    public var bytes: [UInt8]
    /// The format of `bytes`.
    public var format: ImageFormat
    /// Output width in pixels.
    public var width: Int
    /// Output height in pixels.
    public var height: Int
    /// The kept boxes, normalized to the output image, clamped to it, in input order.
    public var boxes: [BoundingBox]
    /// For each entry of `boxes`, its index in the input.
    public var boxIndices: [Int]
    /// Indices (in the input) of boxes dropped because they had no area after clamping to the image.
    public var droppedBoxIndices: [Int]
    /// The input's header (format, stored size, orientation).
    public var source: ImageHeader

    /// Creates a result.
    public init(
        bytes: [UInt8], format: ImageFormat, width: Int, height: Int, boxes: [BoundingBox], boxIndices: [Int],
        droppedBoxIndices: [Int], source: ImageHeader
    ) {
        self.bytes = bytes
        self.format = format
        self.width = width
        self.height = height
        self.boxes = boxes
        self.boxIndices = boxIndices
        self.droppedBoxIndices = droppedBoxIndices
        self.source = source
    }
}
