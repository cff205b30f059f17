import CVTestSupport
import ImagePrep
import Testing

/// PNGs (and GIFs) are read a row at a time: interlaced or not, at full size they decode to the same pixels, and
/// reduced (as `DecodeOptions.minimumSize` allows) each pixel is the rounded average of its block of the full-size
/// decode.
struct PNGReductionTests {
    static let variants = ["rgb.png", "gray8.png", "gray_alpha.png", "rgba.png", "palette.png", "palette_trns.png",
        "rgb16.png", "interlaced.png", "odd_rgba16.png", "odd_rgba16_adam7.png", "odd_gray1.png",
        "odd_gray1_adam7.png"]

    /// Odd sizes make Adam7 passes with partial rows and columns; the expected pixels are the documented
    /// conversion (16-bit alpha composited onto white in 16 bits, then rounded to 8; 1-bit gray to 0 or 255).
    @Test(arguments: ["odd_rgba16", "odd_gray1"])
    func interlacedAndPlainFilesDecodeToTheExpectedPixels(stem: String) throws {
        let expected = try TestImages.image("images/generated/\(stem)_expected.png")
        for file in ["\(stem).png", "\(stem)_adam7.png"] {
            let decoded = try TestImages.image("images/generated/\(file)")
            #expect(decoded.width == 37 && decoded.height == 23, "\(file)")
            #expect(TestImages.maxDifference(decoded, expected) == 0, "\(file)")
        }
    }

    /// GIFs are drawn a row at a time into the same reducer: their frame offset, transparency and interlacing
    /// reduce alike.
    static let gifs = ["plain.gif", "interlaced.gif", "transparent.gif", "photo-128x96.gif"]

    @Test(arguments: variants.map { "generated/\($0)" } + gifs.map { "gif-bmp/\($0)" }, [2, 4, 8])
    func aReducedDecodeAveragesEachBlockOfTheFullDecode(file: String, factor: Int) throws {
        let bytes = try TestImages.bytes("images/\(file)")
        let full = try ImageDecoder.decode(bytes)
        let size = ((full.width + factor - 1) / factor, (full.height + factor - 1) / factor)
        let options = DecodeOptions(minimumSize: size)
        let reduced = try ImageDecoder.decode(bytes, options: options)
        #expect(reduced.width == size.0 && reduced.height == size.1, "\(file) by \(factor)")
        let planned = ImageDecoder.decodedSize(try ImageHeader.read(bytes), options: options)
        #expect(planned == size, "the size a pixel budget reserves for \(file) by \(factor)")
        #expect(TestImages.maxDifference(reduced, Self.blockAverage(full, factor)) == 0, "\(file) by \(factor)")
    }

    @Test func theReductionIsTheLargestThatKeepsTheMinimumSize() throws {
        let bytes = try TestImages.bytes("images/generated/rgb.png")  // 80×60
        let cases: [((Int, Int), (Int, Int))] = [((10, 8), (10, 8)), ((10, 9), (20, 15)), ((21, 1), (40, 30)),
            ((41, 30), (80, 60)), ((1, 1), (10, 8))]
        for (minimum, expected) in cases {
            let image = try ImageDecoder.decode(bytes, options: DecodeOptions(minimumSize: minimum))
            #expect(image.width == expected.0 && image.height == expected.1, "minimum \(minimum)")
        }
        let full = try ImageDecoder.decode(bytes)
        #expect(full.width == 80 && full.height == 60)
    }

    /// The server's upload check decodes a PNG at its smallest size: a damaged file is still refused, as at full
    /// size, because every row is read.
    @Test(arguments: ["rgba.png", "odd_rgba16_adam7.png", "odd_gray1_adam7.png"])
    func aReducedDecodeStillRefusesDamage(file: String) throws {
        let bytes = try TestImages.bytes("images/generated/\(file)")
        #expect(try ImageDecoder.validate(bytes) == ImageHeader.read(bytes))
        let cut = Array(bytes.prefix(bytes.count * 2 / 3))
        let truncated = try #require(throws: ImagePrepError.self) { try ImageDecoder.validate(cut) }
        #expect(truncated.code == .truncated, "\(file): \(truncated.message)")
        // A flipped byte inside IDAT: the chunk's CRC no longer matches.
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x55
        let corrupt = try #require(throws: ImagePrepError.self) { try ImageDecoder.validate(flipped) }
        #expect(corrupt.code == .corrupt, "\(file): \(corrupt.message)")
    }

    /// The rounded mean of each `factor`×`factor` block (fewer pixels at the right and bottom edges).
    static func blockAverage(_ image: RGBImage, _ factor: Int) -> RGBImage {
        let (w, h) = ((image.width + factor - 1) / factor, (image.height + factor - 1) / factor)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for by in 0..<h {
            for bx in 0..<w {
                let xs = bx * factor..<min(bx * factor + factor, image.width)
                let ys = by * factor..<min(by * factor + factor, image.height)
                let n = xs.count * ys.count
                for c in 0..<3 {
                    var sum = 0
                    for y in ys { for x in xs { sum += Int(image.pixels[(y * image.width + x) * 3 + c]) } }
                    pixels[(by * w + bx) * 3 + c] = UInt8((sum + n / 2) / n)
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }
}
