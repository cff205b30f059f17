/// Decodes the first frame of a GIF (87a or 89a) onto its logical screen: global or local colour table, interlaced
/// or not, LZW data. Transparent pixels, and the screen outside the frame, take the options' background, as a PNG's
/// alpha does. A file whose frame data ends early is refused (truncated), as a PNG's is. The screen is drawn a row
/// at a time into PNG's ``PNGCodec/RowSink``, so it is reduced by 2, 4 or 8 as it is drawn when
/// `DecodeOptions.minimumSize` allows, as a PNG is: a 10,000×10,000 GIF then holds its frame's colour indices (a byte
/// a pixel) and the reduced image, not 300 MB of full-size RGB.
enum GIFCodec {
    static func decode(
        _ b: UnsafeBufferPointer<UInt8>, options: DecodeOptions, plan: (ImageHeader) throws -> (Int, Int)?
    ) throws -> (PixelPlanes, ImageHeader) {
        guard b.count >= 13 else { throw ImagePrepError(.truncated, "GIF header is cut short") }
        let header = ImageHeader(format: .gif, width: ImageHeader.le16(b, 6), height: ImageHeader.le16(b, 8))
        guard header.width > 0, header.height > 0 else { throw fail("zero screen size") }
        guard header.pixelCount <= options.maxPixels else { throw JPEGCodec.tooManyPixels(header, options) }
        var options = options
        if let target = try plan(header) { options.minimumSize = target }
        var at = 13
        let global = try colorTable(b, flags: b[10], at: &at)
        var transparent: Int?
        while true {
            guard at < b.count else { throw ImagePrepError(.truncated, "GIF ends before its first image") }
            let introducer = b[at]
            at += 1
            switch introducer {
            case 0x21:  // extension: a graphic control block gives the transparent index
                guard at < b.count else { throw ImagePrepError(.truncated, "GIF extension is cut short") }
                let label = b[at]
                at += 1
                if label == 0xF9, at + 5 <= b.count, b[at] == 4 {
                    transparent = b[at + 1] & 1 != 0 ? Int(b[at + 4]) : nil
                }
                try skipSubBlocks(b, at: &at)
            case 0x2C:
                let image = try frame(b, at: &at, screen: header, global: global, transparent: transparent,
                                      background: options.background, reduction: PNGCodec.reduction(header, options))
                return (image, header)
            case 0x3B: throw fail("no image before the trailer")
            default: throw fail("unexpected block 0x\(String(introducer, radix: 16))")
            }
        }
    }

    private static func fail(_ message: String) -> ImagePrepError { ImagePrepError(.corrupt, "GIF: \(message)") }

    /// The colour table announced by `flags` (a screen's or an image's), read at `at`; nil when there is none.
    private static func colorTable(_ b: UnsafeBufferPointer<UInt8>, flags: UInt8, at: inout Int) throws
        -> [(UInt8, UInt8, UInt8)]?
    {
        guard flags & 0x80 != 0 else { return nil }
        let count = 2 << Int(flags & 0x07)
        guard at + 3 * count <= b.count else { throw ImagePrepError(.truncated, "GIF colour table is cut short") }
        defer { at += 3 * count }
        return (0..<count).map { (b[at + 3 * $0], b[at + 3 * $0 + 1], b[at + 3 * $0 + 2]) }
    }

    private static func skipSubBlocks(_ b: UnsafeBufferPointer<UInt8>, at: inout Int) throws {
        while true {
            guard at < b.count else { throw ImagePrepError(.truncated, "GIF data blocks are cut short") }
            let size = Int(b[at])
            at += 1 + size
            if size == 0 { return }
        }
    }

    /// The image at `at` (after its 0x2C) drawn on the screen, reduced by `reduction`.
    private static func frame(
        _ b: UnsafeBufferPointer<UInt8>, at: inout Int, screen: ImageHeader, global: [(UInt8, UInt8, UInt8)]?,
        transparent: Int?, background: RGBColor, reduction: Int
    ) throws -> PixelPlanes {
        guard at + 9 <= b.count else { throw ImagePrepError(.truncated, "GIF image descriptor is cut short") }
        let (left, top) = (ImageHeader.le16(b, at), ImageHeader.le16(b, at + 2))
        let (width, height) = (ImageHeader.le16(b, at + 4), ImageHeader.le16(b, at + 6))
        let flags = b[at + 8]
        at += 9
        guard let table = try colorTable(b, flags: flags, at: &at) ?? global else { throw fail("no colour table") }
        guard at < b.count else { throw ImagePrepError(.truncated, "GIF image data is cut short") }
        let minimumCodeSize = Int(b[at])
        guard (1...11).contains(minimumCodeSize) else { throw fail("LZW code size \(minimumCodeSize)") }
        at += 1
        var data: [UInt8] = []
        while true {
            guard at < b.count else { throw ImagePrepError(.truncated, "GIF image data is cut short") }
            let size = Int(b[at])
            guard at + 1 + size <= b.count else { throw ImagePrepError(.truncated, "GIF image data is cut short") }
            data.append(contentsOf: UnsafeBufferPointer(rebasing: b[(at + 1)..<(at + 1 + size)]))
            at += 1 + size
            if size == 0 { break }
        }
        // The frame's rows come from the LZW stream one at a time; each is drawn onto its screen row, background
        // around it. A plain frame's rows go to the sink with the screen's in order; an interlaced frame stores its
        // rows in four passes, which the sink (set for rows in any order) takes as they come.
        let interlaced = flags & 0x40 != 0
        var lzw = LZW(data, minimumCodeSize: minimumCodeSize, total: width * height)
        var sink = PNGCodec.RowSink(
            width: screen.width, height: screen.height, reduction: reduction, interlaced: interlaced,
            format: PNGCodec.SampleFormat(channels: 3, sixteenBit: false), background: background)
        var indices = [UInt8](repeating: 0, count: width)
        var row = [UInt8](repeating: 0, count: screen.width * 3)
        func drawBackground() {
            for x in 0..<screen.width {
                (row[3 * x], row[3 * x + 1], row[3 * x + 2]) = (background.red, background.green, background.blue)
            }
        }
        func drawFrameRow() throws {
            drawBackground()
            for x in 0..<width where left + x < screen.width {
                let index = Int(indices[x])
                guard index != transparent else { continue }
                guard index < table.count else { throw fail("colour index \(index) beyond its table") }
                let o = 3 * (left + x)
                (row[o], row[o + 1], row[o + 2]) = table[index]
            }
        }
        if interlaced {
            for y in 0..<screen.height where y < top || y >= top + height {
                drawBackground()
                sink.add(row, columns: screen.width, y: y, pass: .whole)
            }
            for frameRow in interlacedRows(height, interlaced: true) {
                try lzw.next(into: &indices)
                guard top + frameRow < screen.height else { continue }  // below the screen: read, not drawn
                try drawFrameRow()
                sink.add(row, columns: screen.width, y: top + frameRow, pass: .whole)
            }
        } else {
            for y in 0..<screen.height {
                if y >= top, y < top + height {
                    try lzw.next(into: &indices)
                    try drawFrameRow()
                } else {
                    drawBackground()
                }
                sink.add(row, columns: screen.width, y: y, pass: .whole)
            }
            // Rows below the screen are read all the same, so a damaged file is refused as before.
            for _ in min(height, max(0, screen.height - top))..<height { try lzw.next(into: &indices) }
        }
        return sink.finish()
    }

    /// The image row each stored row is: in order, or in the four passes of an interlaced image.
    private static func interlacedRows(_ height: Int, interlaced: Bool) -> [Int] {
        guard interlaced else { return Array(0..<height) }
        return [(0, 8), (4, 8), (2, 4), (1, 2)].flatMap { start, step in
            Array(stride(from: start, to: height, by: step))
        }
    }

    /// GIF's variable-length LZW, decoded a row at a time: the code tables and the rest of a string a row did not
    /// take carry over to the next row. Each code's string length is kept, so a string is written in order, from
    /// its end, without a stack.
    struct LZW {
        private let data: [UInt8]
        private let minimumCodeSize: Int
        private let clear: Int
        private var left: Int
        private var prefix = [Int](repeating: -1, count: 4096)
        private var suffix = [UInt8](repeating: 0, count: 4096)
        private var first = [UInt8](repeating: 0, count: 4096)
        private var length = [Int](repeating: 1, count: 4096)
        /// The current string (at most 4096 pixels), and how much of it is handed out.
        private var string = [UInt8](repeating: 0, count: 4097)
        private var stringCount = 0
        private var stringTaken = 0
        private var codeSize: Int
        private var nextCode: Int
        private var previous = -1
        private var bits = 0, bitCount = 0, position = 0

        /// A decoder of the `total` indices `data` encodes.
        init(_ data: [UInt8], minimumCodeSize: Int, total: Int) {
            self.data = data
            self.minimumCodeSize = minimumCodeSize
            clear = 1 << minimumCodeSize
            left = total
            codeSize = minimumCodeSize + 1
            nextCode = clear + 2
            for i in 0..<min(clear, 4096) {
                (suffix[i], first[i]) = (UInt8(truncatingIfNeeded: i), UInt8(truncatingIfNeeded: i))
            }
        }

        /// Fills `out` with the next `out.count` indices.
        /// - Throws: `.corrupt` for a code the table does not hold yet, `.truncated` when the data ends first.
        mutating func next(into out: inout [UInt8]) throws {
            var filled = 0
            while filled < out.count {
                if stringTaken == stringCount { try decodeString() }
                let take = min(out.count - filled, stringCount - stringTaken)
                for i in 0..<take { out[filled + i] = string[stringTaken + i] }
                (filled, stringTaken) = (filled + take, stringTaken + take)
            }
            left -= out.count
        }

        /// Reads codes up to the next string and puts its pixels in `string`.
        private mutating func decodeString() throws {
            let end = clear + 1
            while true {
                while bitCount < codeSize {
                    guard position < data.count else { throw truncated() }
                    bits |= Int(data[position]) << bitCount
                    bitCount += 8
                    position += 1
                }
                let code = bits & ((1 << codeSize) - 1)
                bits >>= codeSize
                bitCount -= codeSize
                if code == clear {
                    (codeSize, nextCode, previous) = (minimumCodeSize + 1, end + 1, -1)
                    continue
                }
                if code == end { throw truncated() }
                guard previous >= 0 || code < clear else { throw fail("LZW code \(code) before any pixel") }
                guard code <= nextCode, code < 4096 else { throw fail("LZW code \(code) not in its table") }
                var current = code
                let count: Int
                if code == nextCode {  // the string being defined: the previous one and its own first pixel
                    guard previous >= 0 else { throw fail("LZW code \(code) not in its table") }
                    count = length[previous] + 1
                    string[count - 1] = first[previous]
                    current = previous
                } else {
                    count = length[code]
                }
                var i = length[current] - 1
                while current >= clear {
                    string[i] = suffix[current]
                    current = prefix[current]
                    i -= 1
                }
                string[0] = UInt8(truncatingIfNeeded: current)
                (stringCount, stringTaken) = (count, 0)
                if previous >= 0, nextCode < 4096 {
                    (prefix[nextCode], suffix[nextCode], first[nextCode]) = (previous, string[0], first[previous])
                    length[nextCode] = length[previous] + 1
                    nextCode += 1
                    if nextCode == 1 << codeSize, codeSize < 12 { codeSize += 1 }
                }
                previous = code
                return
            }
        }

        private func truncated() -> ImagePrepError {
            ImagePrepError(.truncated, "GIF image data ends with \(left) pixels of the image still to come")
        }
    }
}
