import CTurboJPEG

/// Decodes JPEG (libjpeg-turbo), PNG (libpng), GIF (its first frame) and BMP bytes to 8-bit RGB: the formats the
/// service takes. The format comes from the bytes' signature, never from a file name; WEBP and TIFF are recognised
/// and refused with `unsupportedFormat`.
///
/// Grayscale, CMYK/YCCK and progressive JPEGs and every PNG colour type are converted to RGB; PNG alpha (including
/// tRNS), GIF transparency and BMP alpha are composited onto `DecodeOptions.background`. A decoder warning (e.g. a
/// truncated scan) is an error: a partial image is never returned as good.
public enum ImageDecoder {
    /// Decodes an image at full size, upright, transparent pixels on white.
    /// - Throws: `ImagePrepError`.
    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        try decode(bytes, options: DecodeOptions())
    }

    /// Decodes an image.
    /// - Parameters:
    ///   - bytes: a whole JPEG, PNG, GIF or BMP file.
    ///   - options: pixel limit, orientation, background, DCT-scaled decode target.
    /// - Returns: the RGB image (upright when `options.applyOrientation`).
    /// - Throws: `ImagePrepError` with `.empty`, `.truncated`, `.corrupt`, `.unsupportedFormat(_:)`,
    ///   `.tooManyPixels`.
    public static func decode(_ bytes: [UInt8], options: DecodeOptions) throws -> RGBImage {
        try decodeWithHeader(bytes, options: options).image.rgb
    }

    /// The size `decode(_:options:)` gives an image with `header`, known before any pixel is decoded: the stored
    /// size reduced by the DCT scale (JPEG) or block reduction (PNG, GIF) `options.minimumSize` allows, upright when
    /// `options.applyOrientation`. Lets a caller reserve memory for a decode before starting it.
    public static func decodedSize(_ header: ImageHeader, options: DecodeOptions) -> (width: Int, height: Int) {
        let (width, height) = switch header.format {
        case .jpeg: JPEGCodec.scaledSize(header, JPEGCodec.scale(header, options))
        case .png, .gif: JPEGCodec.scaledSize(header, (1, PNGCodec.reduction(header, options)))
        default: (header.width, header.height)
        }
        return options.applyOrientation
            ? header.orientation.orientedSize(width: width, height: height) : (width, height)
    }

    /// Decodes the whole file at the smallest size its format allows — a JPEG at 1/8 scale, a PNG or GIF reduced by
    /// 8, each still read in full, so a damaged file is refused — and returns its header (stored size,
    /// orientation): the check an upload needs, without full-size pixels.
    /// - Throws: as ``decode(_:options:)``.
    ///
    /// A baseline JPEG is checked by `JPEGDCDecoder` (which reads every entropy-coded block as libjpeg-turbo does,
    /// but skips the AC coefficients a 1/8-scale decode never uses); anything it hands back — progressive files,
    /// irregular data, errors — is decoded by libjpeg-turbo, whose verdict stands.
    public static func validate(_ bytes: [UInt8]) throws -> ImageHeader {
        if ImageFormat.detect(bytes) == .jpeg, let header = try validateBaselineJPEG(bytes) { return header }
        return try decodeWithHeader(bytes, options: DecodeOptions(minimumSize: (1, 1))).header
    }

    /// The header of a JPEG whose every block `JPEGDCDecoder` read without a fault, or nil when it handed the file
    /// back. Throws only what the header check throws (the pixel limit; a header libjpeg-turbo refuses).
    static func validateBaselineJPEG(_ bytes: [UInt8]) throws -> ImageHeader? {
        try bytes.withUnsafeBufferPointer { b in
            try PrepWorkspace.with { workspace in
                let info = try JPEGCodec.readHeader(workspace.decompressorHandle(), b,
                    maxPixels: DecodeOptions().maxPixels)
                guard JPEGCodec.decodesToPlanes(info),
                    let planes = JPEGDCDecoder.decode(b, into: workspace.decoded),
                    planes.bases.count == (info.subsampling == Int32(TJSAMP_GRAY.rawValue) ? 1 : 3)
                else { return nil }
                return info.header
            }
        }
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
                "\(format.displayName) is not supported for preparation (JPEG, PNG, GIF and BMP are)")
        }
        let (stored, header) = try bytes.withUnsafeBufferPointer { b in
            switch format {
            case .jpeg: try JPEGCodec.decode(b, options: options, plan: plan)
            case .gif: try GIFCodec.decode(b, options: options, plan: plan)
            case .bmp: try BMPCodec.decode(b, options: options, plan: plan)
            default: try PNGCodec.decode(b, options: options, plan: plan)
            }
        }
        let image = options.applyOrientation ? header.orientation.apply(to: stored) : stored
        return (image, header)
    }
}
