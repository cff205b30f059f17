/// Encodes RGB images as JPEG (libjpeg-turbo, 4:2:0) or PNG (libpng).
public enum ImageEncoder {
    /// Encodes a baseline JPEG with 4:2:0 chroma subsampling.
    /// - Parameters:
    ///   - image: the pixels.
    ///   - quality: 1–100 (clamped); default 90.
    /// - Throws: `ImagePrepError` with `.encodingFailed`.
    public static func jpeg(_ image: RGBImage, quality: Int = 90) throws -> [UInt8] {
        try JPEGCodec.encode(image, quality: quality)
    }

    /// Encodes an 8-bit RGB PNG.
    /// - Throws: `ImagePrepError` with `.encodingFailed`.
    public static func png(_ image: RGBImage) throws -> [UInt8] {
        try PNGCodec.encode(image)
    }
}
