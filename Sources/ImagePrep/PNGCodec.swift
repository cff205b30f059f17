import CPNG

/// PNG through libpng's simplified API (`png_image_*`), which reports errors in `image.message` instead of
/// `longjmp`-ing through Swift frames. Handles gray, gray+alpha, palette, tRNS, RGB(A), 16-bit and interlaced files.
enum PNGCodec {
    /// Decodes `bytes` (already known to be PNG) to RGB, compositing any alpha onto `options.background`.
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, options: DecodeOptions, plan: (ImageHeader) throws -> (Int, Int)?
    ) throws -> (PixelPlanes, ImageHeader) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
            throw error(&image, stage: "header", bytes)
        }
        defer { png_image_free(&image) }
        let header = ImageHeader(format: .png, width: Int(image.width), height: Int(image.height))
        guard header.width > 0, header.height > 0 else {
            throw ImagePrepError(.corrupt, "PNG header gives a zero size")
        }
        guard header.pixelCount <= options.maxPixels else { throw JPEGCodec.tooManyPixels(header, options) }
        _ = try plan(header)

        let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        if image.format & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0 {
            let pixels = try read16(&image, header: header, hasAlpha: hasAlpha, background: options.background, bytes)
            return (PixelPlanes(width: header.width, height: header.height, channels: 3, pixels: pixels), header)
        }
        let channels = hasAlpha ? 4 : 3
        image.format = UInt32(hasAlpha ? PNG_FORMAT_RGB | PNG_FORMAT_FLAG_ALPHA : PNG_FORMAT_RGB)
        var ok: Int32 = 0
        var pixels = [UInt8](unsafeUninitializedCapacity: header.pixelCount * channels) { buffer, count in
            ok = png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil)
            count = ok != 0 ? header.pixelCount * channels : 0
        }
        guard ok != 0 else { throw error(&image, stage: "data", bytes) }
        if hasAlpha { pixels = composite(pixels, on: options.background) }
        return (PixelPlanes(width: header.width, height: header.height, channels: 3, pixels: pixels), header)
    }

    /// A 16-bit file, read without libpng's gamma conversion (the simplified API takes 16-bit data without gAMA as
    /// linear and would re-encode it; Pillow and most viewers just drop the low byte) and scaled to 8 bits.
    /// Linear reads return alpha-premultiplied colour, composited here as `c + bg·(1 − a)`.
    private static func read16(
        _ image: inout png_image, header: ImageHeader, hasAlpha: Bool, background: RGBColor,
        _ bytes: UnsafeBufferPointer<UInt8>
    ) throws -> [UInt8] {
        let channels = hasAlpha ? 4 : 3
        image.format = UInt32(PNG_FORMAT_FLAG_LINEAR | PNG_FORMAT_RGB | (hasAlpha ? PNG_FORMAT_FLAG_ALPHA : 0))
        var ok: Int32 = 0
        let wide = [UInt16](unsafeUninitializedCapacity: header.pixelCount * channels) { buffer, count in
            ok = png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil)
            count = ok != 0 ? header.pixelCount * channels : 0
        }
        guard ok != 0 else { throw error(&image, stage: "data", bytes) }
        let bg = [background.red, background.green, background.blue].map { Int($0) * 257 }
        return [UInt8](unsafeUninitializedCapacity: header.pixelCount * 3) { out, count in
            wide.withUnsafeBufferPointer { src in
                for i in 0..<header.pixelCount {
                    let a = hasAlpha ? Int(src[4 * i + 3]) : 65535
                    for c in 0..<3 {
                        let v = Int(src[channels * i + c]) + (bg[c] * (65535 - a) + 32767) / 65535
                        out[3 * i + c] = UInt8((min(v, 65535) * 255 + 32767) / 65535)
                    }
                }
            }
            count = header.pixelCount * 3
        }
    }

    /// RGBA to RGB over `background`: `out = (c·a + bg·(255 − a)) / 255`, rounded.
    static func composite(_ rgba: [UInt8], on background: RGBColor) -> [UInt8] {
        let n = rgba.count / 4
        let bg = [Int(background.red), Int(background.green), Int(background.blue)]
        return [UInt8](unsafeUninitializedCapacity: n * 3) { out, count in
            rgba.withUnsafeBufferPointer { src in
                for i in 0..<n {
                    let a = Int(src[4 * i + 3])
                    for c in 0..<3 { out[3 * i + c] = UInt8((Int(src[4 * i + c]) * a + bg[c] * (255 - a) + 127) / 255) }
                }
            }
            count = n * 3
        }
    }

    private static func error(_ image: inout png_image, stage: String, _ bytes: UnsafeBufferPointer<UInt8>)
        -> ImagePrepError
    {
        let message = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let lower = message.lowercased()
        let truncated = lower.contains("not enough") || lower.contains("end of") || lower.contains("truncated")
            || lower.contains("read beyond") || !hasIEND(bytes)
        let crc = lower.contains("crc")
        let code: ImagePrepError.Code = crc ? .corrupt : (truncated ? .truncated : .corrupt)
        return ImagePrepError(code, "PNG \(stage): \(message)")
    }

    /// True when the data ends with an IEND chunk.
    private static func hasIEND(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.count >= 12 && b[b.count - 8] == 0x49 && b[b.count - 7] == 0x45 && b[b.count - 6] == 0x4E
            && b[b.count - 5] == 0x44
    }

    /// Encodes RGB pixels as an 8-bit RGB PNG.
    static func encode(_ rgb: RGBImage) throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(rgb.width)
        image.height = UInt32(rgb.height)
        image.format = UInt32(PNG_FORMAT_RGB)
        var size = 0
        let sized = rgb.pixels.withUnsafeBufferPointer {
            png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil)
        }
        guard sized != 0, size > 0 else { throw encodeError(&image) }
        var ok: Int32 = 0
        let out = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            ok = rgb.pixels.withUnsafeBufferPointer {
                png_image_write_to_memory(&image, buffer.baseAddress, &size, 0, $0.baseAddress, 0, nil)
            }
            count = ok != 0 ? size : 0
        }
        guard ok != 0 else { throw encodeError(&image) }
        return out
    }

    private static func encodeError(_ image: inout png_image) -> ImagePrepError {
        let message = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return ImagePrepError(.encodingFailed, "PNG encode: \(message)")
    }
}
