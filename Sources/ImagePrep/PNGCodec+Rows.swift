/// The rows of `PNGCodec.decode`: samples as libpng hands them over, composited to 8-bit pixels and placed in the
/// output (or added to their block's sum when the image is reduced).
extension PNGCodec {
    /// The samples of a row after `cv_png_start`'s transforms: 1–4 a pixel (gray, gray+alpha, RGB, RGBA), 8 or 16
    /// bits each (16-bit samples big-endian, as in the file).
    struct SampleFormat {
        var channels: Int
        var sixteenBit: Bool

        var hasAlpha: Bool { channels == 2 || channels == 4 }
        /// A gray file without transparency stays one channel (a third of the work through resizing); anything
        /// composited onto the background (which may be coloured) or in colour is RGB.
        var outputChannels: Int { channels == 1 ? 1 : 3 }
    }

    /// Where the rows and columns of one Adam7 pass (or of a whole non-interlaced image) fall in the image.
    struct Adam7Pass {
        var startRow: Int
        var rowStep: Int
        var startColumn: Int
        var columnStep: Int

        static let whole = Adam7Pass(startRow: 0, rowStep: 1, startColumn: 0, columnStep: 1)
        /// The seven passes of the PNG specification (section 8.2), in order.
        static let all = [(0, 8, 0, 8), (0, 8, 4, 8), (4, 8, 0, 4), (0, 4, 2, 4), (2, 4, 0, 2), (0, 2, 1, 2),
            (1, 2, 0, 1)].map { Adam7Pass(startRow: $0.0, rowStep: $0.1, startColumn: $0.2, columnStep: $0.3) }

        /// The pixels in each of this pass's rows for an image `width` wide (0: libpng skips the pass).
        func columns(_ width: Int) -> Int { width > startColumn ? (width - startColumn - 1) / columnStep + 1 : 0 }
        /// The rows of this pass for an image `height` high (0: libpng skips the pass).
        func rows(_ height: Int) -> Int { height > startRow ? (height - startRow - 1) / rowStep + 1 : 0 }
        /// The image row of this pass's row `r`.
        func row(_ r: Int) -> Int { startRow + r * rowStep }
    }

    /// Takes the rows of a decode, in file order (Adam7 passes included), and builds the output. At full size each
    /// pixel is written once. Reduced by `factor` (2, 4 or 8), a non-interlaced image's rows are added up a block row
    /// at a time (one row of sums) and each block row is averaged when its last row arrives; an interlaced image's
    /// pixels come scattered over its passes, so they are summed into their blocks (64 × 255 fits in 16 bits) and
    /// averaged at the end. A block at the right or bottom edge averages the pixels it has.
    struct RowSink {
        let width: Int
        let height: Int
        let factor: Int
        let outWidth: Int
        let outHeight: Int
        let format: SampleFormat
        let background: RGBColor
        private let interlaced: Bool
        private var pixels: [UInt8]
        /// Reduced: the sums of a block row's rows (in order), or of every block (interlaced).
        private var sums: [UInt16]
        private var converted: [UInt8]

        init(
            width: Int, height: Int, reduction factor: Int, interlaced: Bool, format: SampleFormat,
            background: RGBColor
        ) {
            precondition([1, 2, 4, 8].contains(factor))
            self.width = width
            self.height = height
            self.factor = factor
            (outWidth, outHeight) = ((width + factor - 1) / factor, (height + factor - 1) / factor)
            self.format = format
            self.background = background
            self.interlaced = interlaced
            let channels = format.outputChannels
            pixels = [UInt8](repeating: 0, count: outWidth * outHeight * channels)
            let sumCount = factor == 1 ? 0 : (interlaced ? outWidth * outHeight : width) * channels
            sums = [UInt16](repeating: 0, count: sumCount)
            converted = [UInt8](repeating: 0, count: width * channels)
        }

        /// Adds row `y` of the image, of which `row` holds the `columns` pixels `pass` has.
        mutating func add(_ row: [UInt8], columns: Int, y: Int, pass: Adam7Pass) {
            let channels = format.outputChannels
            let (format, background) = (format, background)
            if factor == 1 && pass.columnStep == 1 {
                let start = y * width * channels
                pixels.withUnsafeMutableBufferPointer { out in
                    row.withUnsafeBufferPointer {
                        PNGCodec.convert($0, count: columns, format, background, into: out.baseAddress! + start)
                    }
                }
                return
            }
            converted.withUnsafeMutableBufferPointer { c in
                row.withUnsafeBufferPointer {
                    PNGCodec.convert($0, count: columns, format, background, into: c.baseAddress!)
                }
            }
            if factor == 1 {
                scatter(columns: columns, y: y, pass: pass)
            } else if interlaced {
                sumIntoBlocks(columns: columns, y: y, pass: pass)
            } else {
                sumRow(y: y)
            }
        }

        /// An interlaced pass's row at full size: each pixel to its place.
        private mutating func scatter(columns: Int, y: Int, pass: Adam7Pass) {
            let (channels, width) = (format.outputChannels, width)
            pixels.withUnsafeMutableBufferPointer { out in
                converted.withUnsafeBufferPointer { c in
                    for i in 0..<columns {
                        let o = (y * width + pass.startColumn + i * pass.columnStep) * channels
                        for k in 0..<channels { out[o + k] = c[i * channels + k] }
                    }
                }
            }
        }

        /// An interlaced pass's row, reduced: each pixel added to its block's sum.
        private mutating func sumIntoBlocks(columns: Int, y: Int, pass: Adam7Pass) {
            let channels = format.outputChannels
            // The factor is a power of two: a shift finds a pixel's block.
            let shift = factor.trailingZeroBitCount
            let base = (y >> shift) * outWidth
            sums.withUnsafeMutableBufferPointer { sums in
                converted.withUnsafeBufferPointer { c in
                    for i in 0..<columns {
                        let o = (base + (pass.startColumn &+ i &* pass.columnStep) >> shift) &* channels
                        for k in 0..<channels { sums[o + k] &+= UInt16(c[i &* channels + k]) }
                    }
                }
            }
        }

        /// Row `y` of a non-interlaced image, reduced: added to the block row's sums, which become output pixels
        /// at the block row's last row.
        private mutating func sumRow(y: Int) {
            let count = width * format.outputChannels
            sums.withUnsafeMutableBufferPointer { sums in
                converted.withUnsafeBufferPointer { c in
                    for i in 0..<count { sums[i] &+= UInt16(c[i]) }
                }
            }
            guard (y + 1) % factor == 0 || y == height - 1 else { return }
            let (channels, width, factor, outWidth) = (format.outputChannels, width, factor, outWidth)
            let rows = y % factor + 1, by = y / factor
            pixels.withUnsafeMutableBufferPointer { out in
                sums.withUnsafeMutableBufferPointer { sums in
                    for bx in 0..<outWidth {
                        let columns = min(factor, width - bx * factor), n = rows * columns
                        let o = (by * outWidth + bx) * channels
                        for k in 0..<channels {
                            var total = 0
                            for j in 0..<columns { total &+= Int(sums[(bx * factor + j) * channels + k]) }
                            out[o + k] = UInt8((total + n / 2) / n)
                        }
                    }
                    sums.update(repeating: 0)
                }
            }
        }

        /// The decoded (or reduced) image.
        mutating func finish() -> PixelPlanes {
            let channels = format.outputChannels
            if factor > 1 && interlaced {
                let (width, height, factor, outWidth) = (width, height, factor, outWidth)
                pixels.withUnsafeMutableBufferPointer { out in
                    sums.withUnsafeBufferPointer { sums in
                        for by in 0..<outHeight {
                            let rows = min(factor, height - by * factor)
                            for bx in 0..<outWidth {
                                let count = rows * min(factor, width - bx * factor)
                                let o = (by * outWidth + bx) * channels
                                for k in 0..<channels {
                                    out[o + k] = UInt8((Int(sums[o + k]) + count / 2) / count)
                                }
                            }
                        }
                    }
                }
            }
            sums = []
            return PixelPlanes(width: outWidth, height: outHeight, channels: channels, pixels: pixels)
        }
    }

    /// `count` pixels of `source` in `format` as 8-bit gray or RGB, alpha composited onto `background`: in 8 bits
    /// `(c·a + bg·(255 − a)) / 255`, in 16 bits the same on 16-bit values, then scaled to 8 bits; both rounded.
    /// 16-bit samples are read as stored, without gamma conversion (as Pillow reads them).
    static func convert(
        _ source: UnsafeBufferPointer<UInt8>, count: Int, _ format: SampleFormat, _ background: RGBColor,
        into out: UnsafeMutablePointer<UInt8>
    ) {
        guard let s = source.baseAddress else { return }
        let bg = (Int(background.red), Int(background.green), Int(background.blue))
        switch (format.channels, format.sixteenBit) {
        case (1, false), (3, false):
            out.update(from: s, count: count * format.channels)
        case (2, false), (4, false):
            let n = format.channels
            for i in 0..<count {
                let a = Int(s[i * n + n - 1]), o = i * 3
                let c = n == 2 ? (Int(s[i * n]), Int(s[i * n]), Int(s[i * n])) : (Int(s[i * n]), Int(s[i * n + 1]),
                    Int(s[i * n + 2]))
                out[o] = UInt8((c.0 * a + bg.0 * (255 - a) + 127) / 255)
                out[o + 1] = UInt8((c.1 * a + bg.1 * (255 - a) + 127) / 255)
                out[o + 2] = UInt8((c.2 * a + bg.2 * (255 - a) + 127) / 255)
            }
        default:
            let n = format.channels
            let wide = (bg.0 * 257, bg.1 * 257, bg.2 * 257)
            @inline(__always) func sample(_ j: Int) -> Int { Int(s[2 * j]) << 8 | Int(s[2 * j + 1]) }
            @inline(__always) func narrow(_ v: Int) -> UInt8 { UInt8((v * 255 + 32767) / 65535) }
            for i in 0..<count {
                let first = sample(i * n)
                if n == 1 {
                    out[i] = narrow(first)
                    continue
                }
                let c = n <= 2 ? (first, first, first) : (first, sample(i * n + 1), sample(i * n + 2))
                let a = format.hasAlpha ? sample(i * n + n - 1) : 65535, o = i * 3
                out[o] = narrow((c.0 * a + wide.0 * (65535 - a) + 32767) / 65535)
                out[o + 1] = narrow((c.1 * a + wide.1 * (65535 - a) + 32767) / 65535)
                out[o + 2] = narrow((c.2 * a + wide.2 * (65535 - a) + 32767) / 65535)
            }
        }
    }
}
