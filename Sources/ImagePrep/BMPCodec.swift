/// Decodes Windows bitmaps (BMP): the core and info headers (v1–v5), 1-, 4- and 8-bit palettes, 16-, 24- and 32-bit
/// pixels with default or explicit channel masks, and RLE8/RLE4 compression; rows bottom-up or top-down. Alpha
/// (32-bit with an alpha mask) is composited on the options' background, as a PNG's is.
enum BMPCodec {
    /// The layout the headers describe.
    private struct Layout {
        var width: Int
        var height: Int
        var topDown: Bool
        var bitsPerPixel: Int
        var compression: Int
        var pixelOffset: Int
        var palette: [(UInt8, UInt8, UInt8)]
        /// Red, green, blue and alpha masks of 16- and 32-bit pixels.
        var masks: (UInt32, UInt32, UInt32, UInt32)
    }

    static func decode(
        _ b: UnsafeBufferPointer<UInt8>, options: DecodeOptions, plan: (ImageHeader) throws -> (Int, Int)?
    ) throws -> (PixelPlanes, ImageHeader) {
        let layout = try readLayout(b)
        let header = ImageHeader(format: .bmp, width: layout.width, height: layout.height)
        guard header.pixelCount <= options.maxPixels else { throw JPEGCodec.tooManyPixels(header, options) }
        _ = try plan(header)
        let (rgb, alpha) = switch layout.compression {
        case 1, 2: (try decodeRLE(b, layout), false)
        default: try decodeRows(b, layout)
        }
        let pixels = alpha ? PNGCodec.composite(rgb, on: options.background) : rgb
        return (PixelPlanes(width: layout.width, height: layout.height, channels: 3, pixels: pixels), header)
    }

    private static func fail(_ message: String) -> ImagePrepError { ImagePrepError(.corrupt, "BMP: \(message)") }

    private static func readLayout(_ b: UnsafeBufferPointer<UInt8>) throws -> Layout {
        func le16(_ at: Int) -> Int { ImageHeader.le16(b, at) }
        func le32(_ at: Int) -> UInt32 { UInt32(truncatingIfNeeded: ImageHeader.le32(b, at)) }
        guard b.count >= 26 else { throw ImagePrepError(.truncated, "BMP header is cut short") }
        let headerSize = Int(le32(14))
        guard [12, 40, 52, 56, 64, 108, 124].contains(headerSize), b.count >= 14 + headerSize else {
            throw headerSize > 0 && b.count < 14 + headerSize
                ? ImagePrepError(.truncated, "BMP header is cut short") : fail("unknown header size \(headerSize)")
        }
        var layout: Layout
        if headerSize == 12 {
            layout = Layout(width: le16(18), height: le16(20), topDown: false, bitsPerPixel: le16(24), compression: 0,
                            pixelOffset: Int(le32(10)), palette: [], masks: (0, 0, 0, 0))
        } else {
            let height = Int(Int32(bitPattern: le32(22)))
            guard height != Int(Int32.min) else { throw fail("height out of range") }
            layout = Layout(width: Int(Int32(bitPattern: le32(18))), height: abs(height), topDown: height < 0,
                            bitsPerPixel: le16(28), compression: Int(le32(30)), pixelOffset: Int(le32(10)),
                            palette: [], masks: (0, 0, 0, 0))
        }
        guard layout.width > 0, layout.height > 0 else { throw fail("size \(layout.width)×\(layout.height)") }
        guard [1, 4, 8, 16, 24, 32].contains(layout.bitsPerPixel) else {
            throw fail("\(layout.bitsPerPixel) bits per pixel")
        }
        switch (layout.compression, layout.bitsPerPixel) {
        case (0, _): break
        case (1, 8), (2, 4): guard !layout.topDown else { throw fail("run-length data cannot be top-down") }
        case (3, 16), (3, 32), (6, 16), (6, 32):
            // The masks follow a 40-byte header, or lie inside a larger one at the same place.
            guard b.count >= 14 + 40 + (layout.compression == 6 ? 16 : 12) else {
                throw ImagePrepError(.truncated, "BMP channel masks are cut short")
            }
            let alpha = layout.compression == 6 || headerSize >= 56 ? le32(66) : 0
            layout.masks = (le32(54), le32(58), le32(62), alpha)
        default: throw fail("compression \(layout.compression) with \(layout.bitsPerPixel) bits per pixel")
        }
        if layout.compression == 0 {
            layout.masks = layout.bitsPerPixel == 16
                ? (0x7C00, 0x03E0, 0x001F, 0) : (0x00FF_0000, 0x0000_FF00, 0x0000_00FF, 0)
        }
        if layout.bitsPerPixel <= 8 {
            let entrySize = headerSize == 12 ? 3 : 4
            let used = headerSize == 12 ? 0 : Int(le32(46))
            let count = used > 0 ? min(used, 1 << layout.bitsPerPixel) : 1 << layout.bitsPerPixel
            let start = 14 + headerSize  // palettes come with uncompressed and run-length data, never bit fields
            let available = max(0, min(count, (min(layout.pixelOffset, b.count) - start) / entrySize))
            guard available > 0 else { throw fail("no palette") }
            layout.palette = (0..<available).map { i in
                let at = start + i * entrySize
                return (b[at + 2], b[at + 1], b[at])
            }
        }
        guard layout.pixelOffset >= 14 + 12, layout.pixelOffset <= b.count else {
            throw ImagePrepError(.truncated, "BMP pixel data is missing")
        }
        return layout
    }

    /// Uncompressed rows (and bit-field rows), into RGB, or RGBA when the pixels carry alpha.
    private static func decodeRows(_ b: UnsafeBufferPointer<UInt8>, _ layout: Layout) throws
        -> (pixels: [UInt8], alpha: Bool)
    {
        let (width, height, bpp) = (layout.width, layout.height, layout.bitsPerPixel)
        let stride = ((width * bpp + 31) / 32) * 4
        let (needed, overflow) = stride.multipliedReportingOverflow(by: height)
        guard !overflow, layout.pixelOffset + needed <= b.count else {
            throw ImagePrepError(.truncated, "BMP pixel data is cut short")
        }
        let masks = [layout.masks.0, layout.masks.1, layout.masks.2, layout.masks.3]
        let alpha = bpp >= 16 && masks[3] != 0
        let channels = alpha ? 4 : 3
        let shifts = masks.map { $0 == 0 ? 0 : $0.trailingZeroBitCount }
        let maxima = masks.enumerated().map { i, m in m == 0 ? 0 : m >> shifts[i] }
        let palette = layout.palette
        var anyOpaque = false
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        try pixels.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                let row = layout.pixelOffset + (layout.topDown ? y : height - 1 - y) * stride
                var o = y * width * channels
                for x in 0..<width {
                    if bpp <= 8 {
                        let bit = x * bpp
                        let index = Int(b[row + bit / 8] >> (8 - bpp - bit % 8)) & ((1 << bpp) - 1)
                        guard index < palette.count else { throw fail("palette index \(index) out of range") }
                        (out[o], out[o + 1], out[o + 2]) = palette[index]
                    } else if bpp == 24 {
                        let at = row + x * 3
                        (out[o], out[o + 1], out[o + 2]) = (b[at + 2], b[at + 1], b[at])
                    } else {
                        let at = row + x * bpp / 8
                        let value = bpp == 16
                            ? UInt32(b[at]) | UInt32(b[at + 1]) << 8
                            : UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
                        for c in 0..<channels {
                            let v = maxima[c] == 0 ? 0 : (value & masks[c]) >> UInt32(shifts[c])
                            out[o + c] = maxima[c] == 0 ? 0 : UInt8((v * 255 + maxima[c] / 2) / maxima[c])
                        }
                        if alpha, out[o + 3] != 0 { anyOpaque = true }
                    }
                    o += channels
                }
            }
        }
        // An alpha channel that is zero everywhere is an unused one (as many writers leave it): opaque.
        guard alpha else { return (pixels, false) }
        guard anyOpaque else {
            return ((0..<(width * height * 3)).map { pixels[$0 / 3 * 4 + $0 % 3] }, false)
        }
        return (pixels, true)
    }

    /// RLE8 or RLE4 data into RGB; pixels the runs skip over stay black, as Windows leaves them.
    private static func decodeRLE(_ b: UnsafeBufferPointer<UInt8>, _ layout: Layout) throws -> [UInt8] {
        let (width, height) = (layout.width, layout.height)
        let four = layout.compression == 2
        var indices = [UInt8](repeating: 0, count: width * height)
        var painted = [Bool](repeating: false, count: width * height)
        var (x, y, at) = (0, 0, layout.pixelOffset)
        func put(_ index: UInt8) {
            guard x < width, y < height else { return }
            let i = (height - 1 - y) * width + x
            indices[i] = index
            painted[i] = true
            x += 1
        }
        decoding: while true {
            guard at + 1 < b.count else { throw ImagePrepError(.truncated, "BMP run-length data is cut short") }
            let (count, value) = (Int(b[at]), b[at + 1])
            at += 2
            if count > 0 {
                for k in 0..<count { put(four ? (k % 2 == 0 ? value >> 4 : value & 0x0F) : value) }
                continue
            }
            switch value {
            case 0: (x, y) = (0, y + 1)
            case 1: break decoding
            case 2:
                guard at + 1 < b.count else { throw ImagePrepError(.truncated, "BMP run-length data is cut short") }
                (x, y) = (x + Int(b[at]), y + Int(b[at + 1]))
                at += 2
            default:
                let n = Int(value)
                let bytes = four ? (n + 1) / 2 : n
                guard at + bytes <= b.count else {
                    throw ImagePrepError(.truncated, "BMP run-length data is cut short")
                }
                for k in 0..<n { put(four ? (k % 2 == 0 ? b[at + k / 2] >> 4 : b[at + k / 2] & 0x0F) : b[at + k]) }
                at += (bytes + 1) & ~1  // absolute runs are padded to 16 bits
            }
            if y >= height { break }
        }
        let palette = layout.palette
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) where painted[i] {
            guard Int(indices[i]) < palette.count else { throw fail("palette index \(indices[i]) out of range") }
            (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]) = palette[Int(indices[i])]
        }
        return pixels
    }
}
