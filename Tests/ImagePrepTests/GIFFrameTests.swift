import CVTestSupport
import ImagePrep
import Testing

/// GIF frames that do not cover the screen, plain and interlaced, built here with an uncompressed LZW stream (a
/// clear code every 250 pixels keeps every code a 9-bit literal): the screen outside the frame takes the background,
/// a frame reaching past the screen is clipped (its hidden rows still read), and the frame's rows land where they
/// belong at full size and reduced.
struct GIFFrameTests {
    /// A GIF89a with a 256-colour global table (colour i = (i, 255 - i, i / 2)), one frame of `indices` (row-major,
    /// `frame.width` wide) at `frame.left, frame.top`, stored interlaced when asked; `cut` drops that many bytes of
    /// image data from its end.
    static func gif(
        screen: (width: Int, height: Int), frame: (left: Int, top: Int, width: Int, height: Int), indices: [UInt8],
        interlaced: Bool, cut: Int = 0
    ) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        var out = Array("GIF89a".utf8) + le16(screen.width) + le16(screen.height) + [0xF7, 0, 0]
        for i in 0..<256 { out += [UInt8(i), UInt8(255 - i), UInt8(i / 2)] }
        out += [0x2C] + le16(frame.left) + le16(frame.top) + le16(frame.width) + le16(frame.height)
        out += [interlaced ? 0x40 : 0, 8]
        // Rows in storage order.
        let order = interlaced
            ? [(0, 8), (4, 8), (2, 4), (1, 2)].flatMap { Array(stride(from: $0.0, to: frame.height, by: $0.1)) }
            : Array(0..<frame.height)
        let pixels = order.flatMap { indices[($0 * frame.width)..<(($0 + 1) * frame.width)] }
        var codes: [Int] = [256]
        for (i, pixel) in pixels.enumerated() {
            if i > 0, i % 250 == 0 { codes.append(256) }
            codes.append(Int(pixel))
        }
        codes.append(257)
        var data: [UInt8] = [], bits = 0, count = 0
        for code in codes {
            bits |= code << count
            count += 9
            while count >= 8 {
                data.append(UInt8(bits & 0xFF))
                bits >>= 8
                count -= 8
            }
        }
        if count > 0 { data.append(UInt8(bits)) }
        data.removeLast(min(cut, data.count))
        for start in stride(from: 0, to: data.count, by: 255) {
            let block = data[start..<min(start + 255, data.count)]
            out += [UInt8(block.count)] + block
        }
        return out + [0, 0x3B]
    }

    /// What the decoder must give: the background outside the frame, colour table entries inside.
    static func expected(
        screen: (width: Int, height: Int), frame: (left: Int, top: Int, width: Int, height: Int), indices: [UInt8]
    ) -> RGBImage {
        var pixels = [UInt8](repeating: 255, count: screen.width * screen.height * 3)
        for y in 0..<frame.height where frame.top + y < screen.height {
            for x in 0..<frame.width where frame.left + x < screen.width {
                let i = Int(indices[y * frame.width + x]), o = 3 * ((frame.top + y) * screen.width + frame.left + x)
                (pixels[o], pixels[o + 1], pixels[o + 2]) = (UInt8(i), UInt8(255 - i), UInt8(i / 2))
            }
        }
        return RGBImage(width: screen.width, height: screen.height, pixels: pixels)
    }

    @Test(arguments: [false, true], [(5, 8, 20, 11), (20, 20, 30, 17), (0, 0, 40, 30)])
    func framesLandOnTheScreenAtFullSizeAndReduced(interlaced: Bool, placement: (Int, Int, Int, Int)) throws {
        let screen = (width: 40, height: 30)
        let frame = (left: placement.0, top: placement.1, width: placement.2, height: placement.3)
        let indices = (0..<(frame.width * frame.height)).map { UInt8(($0 * 7 + $0 / frame.width * 13) % 256) }
        let bytes = Self.gif(screen: screen, frame: frame, indices: indices, interlaced: interlaced)
        let full = try ImageDecoder.decode(bytes)
        let want = Self.expected(screen: screen, frame: frame, indices: indices)
        #expect(TestImages.maxDifference(full, want) == 0, "\(placement) interlaced \(interlaced)")
        for factor in [2, 4, 8] {
            let size = ((screen.width + factor - 1) / factor, (screen.height + factor - 1) / factor)
            let reduced = try ImageDecoder.decode(bytes, options: DecodeOptions(minimumSize: size))
            #expect(TestImages.maxDifference(reduced, PNGReductionTests.blockAverage(want, factor)) == 0,
                    "\(placement) interlaced \(interlaced) by \(factor)")
        }
        // Cut image data is refused at any size, even when the missing rows lie below the screen.
        let cut = Self.gif(screen: screen, frame: frame, indices: indices, interlaced: interlaced, cut: 20)
        for minimum in [nil, (1, 1)] as [(Int, Int)?] {
            let error = try #require(throws: ImagePrepError.self) {
                try ImageDecoder.decode(cut, options: DecodeOptions(minimumSize: minimum))
            }
            #expect(error.code == .truncated, "\(error.message)")
        }
    }
}
