import CPNG

/// PNG decoding through libpng's row-by-row API (see `Sources/CPNG/shim.h`), encoding through its simplified API.
/// Handles gray, gray+alpha, palette, tRNS, RGB(A), 16-bit and interlaced files. Rows are read one at a time and
/// composited as they come, so a decode holds only its output and one row: a 10,000×10,000 16-bit RGBA file no
/// longer needs its 800 MB of samples in memory at once. When `DecodeOptions.minimumSize` allows, the image is also
/// reduced by 2, 4 or 8 as it is read (each output pixel the average of its block), as a JPEG is by its DCT scale.
enum PNGCodec {
    /// Decodes `bytes` (already known to be PNG) to RGB (gray for a gray file without transparency), compositing any
    /// alpha onto `options.background`, at the reduction `options.minimumSize` (or `plan`'s size) allows.
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, options: DecodeOptions, plan: (ImageHeader) throws -> (Int, Int)?
    ) throws -> (PixelPlanes, ImageHeader) {
        let reader = UnsafeMutablePointer<cv_png_reader>.allocate(capacity: 1)
        reader.initialize(to: cv_png_reader())
        defer {
            cv_png_destroy(reader)
            reader.deallocate()
        }
        guard cv_png_begin(reader, bytes.baseAddress, bytes.count) != 0 else {
            throw error(reader, stage: "header", bytes)
        }
        let header = ImageHeader(format: .png, width: Int(png_get_image_width(reader.pointee.png, reader.pointee.info)),
            height: Int(png_get_image_height(reader.pointee.png, reader.pointee.info)),
            orientation: ExifReader.pngOrientation(bytes))
        guard header.width > 0, header.height > 0 else {
            throw ImagePrepError(.corrupt, "PNG header gives a zero size")
        }
        guard header.pixelCount <= options.maxPixels else { throw JPEGCodec.tooManyPixels(header, options) }
        var options = options
        if let target = try plan(header) { options.minimumSize = target }
        var channels: Int32 = 0, depth: Int32 = 0, interlaced: Int32 = 0
        guard cv_png_start(reader, &channels, &depth, &interlaced) != 0 else {
            throw error(reader, stage: "data", bytes)
        }
        var rows = RowSink(width: header.width, height: header.height, reduction: reduction(header, options),
            interlaced: interlaced != 0, format: SampleFormat(channels: Int(channels), sixteenBit: depth == 16),
            background: options.background)
        var row = [UInt8](repeating: 0, count: header.width * Int(channels) * Int(depth) / 8)
        for pass in interlaced != 0 ? Adam7Pass.all : [.whole] {
            let (columns, count) = (pass.columns(header.width), pass.rows(header.height))
            guard columns > 0, count > 0 else { continue }
            for r in 0..<count {
                guard row.withUnsafeMutableBufferPointer({ cv_png_read_row(reader, $0.baseAddress) }) != 0 else {
                    throw error(reader, stage: "data", bytes)
                }
                rows.add(row, columns: columns, y: pass.row(r), pass: pass)
            }
        }
        guard cv_png_finish(reader) != 0 else { throw error(reader, stage: "end", bytes) }
        return (rows.finish(), header)
    }

    /// The reduction (8, 4, 2, else 1) leaving the image at least `options.minimumSize`, chosen as a JPEG's DCT
    /// scale is (so both decode a large image to about the same size; the reduced size is the scaled size
    /// `JPEGCodec.scaledSize` gives, a partial block making a pixel).
    static func reduction(_ header: ImageHeader, _ options: DecodeOptions) -> Int {
        JPEGCodec.scale(header, options, among: [8, 4, 2]).1
    }

    /// RGBA to RGB over `background`: `out = (c·a + bg·(255 − a)) / 255`, rounded (``convert(_:count:_:_:into:)``
    /// on 8-bit RGBA).
    static func composite(_ rgba: [UInt8], on background: RGBColor) -> [UInt8] {
        let n = rgba.count / 4
        guard n > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: n * 3) { out, count in
            rgba.withUnsafeBufferPointer {
                convert($0, count: n, SampleFormat(channels: 4, sixteenBit: false), background, into: out.baseAddress!)
            }
            count = n * 3
        }
    }

    private static func error(
        _ reader: UnsafeMutablePointer<cv_png_reader>, stage: String, _ bytes: UnsafeBufferPointer<UInt8>
    ) -> ImagePrepError {
        let message = withUnsafeBytes(of: &reader.pointee.message) { raw in
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
