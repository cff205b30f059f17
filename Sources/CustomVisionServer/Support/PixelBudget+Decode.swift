import ImagePrep

extension PixelBudget {
    /// Decodes `bytes` once the pixels it decodes to fit in the budget (sized from the header, before any pixel is
    /// allocated). `minimumSize` sees the header and may return the least upright size needed, so a JPEG decodes at
    /// a DCT scale and a PNG reduced by blocks (see `DecodeOptions.minimumSize`); nil decodes at full size.
    /// - Returns: the upright image and the header (whose `orientedSize` is the full-size image's).
    /// - Throws: `ImagePrepError`; `CancellationError` when cancelled while waiting.
    func decode(
        _ bytes: [UInt8], minimumSize: (ImageHeader) -> (width: Int, height: Int)? = { _ in nil }
    ) async throws -> (image: RGBImage, header: ImageHeader) {
        let header = try ImageHeader.read(bytes)
        let options = DecodeOptions(minimumSize: minimumSize(header))
        let image = try await withPixels(Self.pixels(header, options)) {
            try ImageDecoder.decode(bytes, options: options)
        }
        return (image, header)
    }

    /// `ImageDecoder.validate(bytes)` (a whole decode at the smallest size the format allows: a PNG's or GIF's an
    /// eighth of each side, a BMP's its full size) once its pixels fit in the budget. `beforeFullDecode` sees the
    /// header of a file that is not a JPEG before it waits or decodes, and may throw to refuse it (a side over the
    /// service's largest).
    /// - Throws: `ImagePrepError`; what `beforeFullDecode` throws; `CancellationError` when cancelled while waiting.
    ///
    /// A JPEG is checked at 1/8 scale (at most 1280×1280 for the service's largest side), so it does not wait: the
    /// upload path, run for every image, keeps its one header read.
    func validate(
        _ bytes: [UInt8], beforeFullDecode: (ImageHeader) throws -> Void = { _ in }
    ) async throws -> ImageHeader {
        if ImageFormat.detect(bytes) == .jpeg { return try ImageDecoder.validate(bytes) }
        let header = try ImageHeader.read(bytes)
        try beforeFullDecode(header)
        return try await withPixels(Self.pixels(header, DecodeOptions(minimumSize: (1, 1)))) {
            try ImageDecoder.validate(bytes)
        }
    }

    /// The pixels a decode of `header` with `options` allocates; 0 over the decoder's pixel limit, where the header
    /// alone is refused before any allocation (nothing to wait for).
    private static func pixels(_ header: ImageHeader, _ options: DecodeOptions) -> Int {
        guard header.pixelCount <= options.maxPixels else { return 0 }
        let size = ImageDecoder.decodedSize(header, options: options)
        return size.width * size.height
    }
}
