/// Decodes JPEG (libjpeg-turbo) and PNG (libpng) bytes to 8-bit RGB. The format comes from the bytes' signature,
/// never from a file name; GIF, BMP, WEBP and TIFF are recognised and refused with `unsupportedFormat`.
///
/// Grayscale, CMYK/YCCK and progressive JPEGs and every PNG colour type are converted to RGB; PNG alpha (including
/// tRNS) is composited onto `DecodeOptions.background`. A decoder warning (e.g. a truncated scan) is an error: a
/// partial image is never returned as good.
public enum ImageDecoder {
    /// Decodes an image at full size, upright, transparent pixels on white.
    /// - Throws: `ImagePrepError`.
    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        try decode(bytes, options: DecodeOptions())
    }

    /// Decodes an image.
    /// - Parameters:
    ///   - bytes: a whole JPEG or PNG file.
    ///   - options: pixel limit, orientation, background, DCT-scaled decode target.
    /// - Returns: the RGB image (upright when `options.applyOrientation`).
    /// - Throws: `ImagePrepError` with `.empty`, `.truncated`, `.corrupt`, `.unsupportedFormat(_:)`,
    ///   `.tooManyPixels`.
    public static func decode(_ bytes: [UInt8], options: DecodeOptions) throws -> RGBImage {
        try decodeWithHeader(bytes, options: options).image.rgb
    }

    /// Decodes the whole file at the smallest size its format allows — a JPEG at 1/8 scale, whose entropy data is
    /// still read in full, so a damaged file is refused — and returns its header (stored size, orientation): the
    /// check an upload needs, without full-size pixels.
    /// - Throws: as ``decode(_:options:)``.
    public static func validate(_ bytes: [UInt8]) throws -> ImageHeader {
        try decodeWithHeader(bytes, options: DecodeOptions(minimumSize: (1, 1))).header
    }

    /// Decodes and also returns the header (stored size, orientation) so boxes can follow the orientation.
    /// `plan` sees the header before any pixel is allocated: it may throw to refuse the image, and it returns the
    /// minimum upright size to decode at (overriding `options.minimumSize`), or nil.
    static func decodeWithHeader(
        _ bytes: [UInt8], options: DecodeOptions,
        plan: (ImageHeader) throws -> (width: Int, height: Int)? = { _ in nil }
    ) throws -> (image: PixelPlanes, header: ImageHeader) {
        guard !bytes.isEmpty else { throw ImagePrepError(.empty, "the file has no bytes") }
        guard let format = ImageFormat.detect(bytes) else {
            throw ImagePrepError(.corrupt, "not a JPEG, PNG, GIF, BMP, WEBP or TIFF image (unknown signature)")
        }
        guard format.isDecodable else {
            throw ImagePrepError(.unsupportedFormat(format.displayName),
                "\(format.displayName) is not supported for preparation (only JPEG and PNG are)")
        }
        let (stored, header) = try bytes.withUnsafeBufferPointer { b in
            format == .jpeg
                ? try JPEGCodec.decode(b, options: options, plan: plan)
                : try PNGCodec.decode(b, options: options, plan: plan)
        }
        let image = options.applyOrientation ? header.orientation.apply(to: stored) : stored
        return (image, header)
    }
}
