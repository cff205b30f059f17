import CVTestSupport
import ImagePrep
import Testing

/// GIF and BMP variants decode to the RGB that Pillow decodes (Fixtures/images/gif-bmp; transparent pixels on white),
/// and damaged ones are refused.
struct GIFBMPDecoderTests {
    @Test(arguments: [
        "rgb24.bmp", "rgba32.bmp", "pal8.bmp", "pal8-rle.bmp", "mono.bmp", "rgb565-topdown.bmp",
        "plain.gif", "interlaced.gif", "transparent.gif",
    ])
    func decodesLikePillow(file: String) throws {
        let bytes = try TestImages.bytes("images/gif-bmp/\(file)")
        let decoded = try ImageDecoder.decode(bytes)
        let expected = try TestImages.image("images/gif-bmp/\(file).expected.png")
        #expect(decoded.width == 37 && decoded.height == 23)
        // 5- and 6-bit channels widen to 8 bits by rounding here, by truncation in Pillow: one level apart at most.
        let tolerance = file.hasPrefix("rgb565") ? 1 : 0
        #expect(TestImages.maxDifference(decoded, expected) <= tolerance, "\(file)")
        let header = try ImageHeader.read(bytes)
        #expect(header.width == 37 && header.height == 23)
        #expect(try ImageDecoder.validate(bytes).width == 37)
    }

    @Test(arguments: ["rgb24.bmp", "pal8-rle.bmp", "plain.gif", "interlaced.gif"])
    func aCutFileIsRefusedNotPadded(file: String) throws {
        let bytes = try TestImages.bytes("images/gif-bmp/\(file)")
        for length in [bytes.count / 2, bytes.count - 40, 30] {
            let error = #expect(throws: ImagePrepError.self, "\(file) cut at \(length)") {
                try ImageDecoder.decode(Array(bytes.prefix(length)))
            }
            #expect(error?.code == .truncated || error?.code == .corrupt, "\(file) cut at \(length)")
        }
    }

    @Test func corruptGIFCodesAndBMPFieldsAreRefused() throws {
        var gif = try TestImages.bytes("images/gif-bmp/plain.gif")
        gif[Self.lzwCodeSizeOffset(gif)] = 14
        #expect(throws: ImagePrepError.self) { try ImageDecoder.decode(gif) }
        var bmp = try TestImages.bytes("images/gif-bmp/rgb24.bmp")
        bmp[28] = 7  // bits per pixel
        #expect(throws: ImagePrepError.self) { try ImageDecoder.decode(bmp) }
        var declared = try TestImages.bytes("images/gif-bmp/rgb24.bmp")
        declared[18] = 0xFF; declared[19] = 0xFF; declared[20] = 0x00  // a width the data cannot hold
        #expect(throws: ImagePrepError.self) { try ImageDecoder.decode(declared) }
    }

    @Test func aHugeDeclaredScreenIsRefusedBeforeAnyAllocation() throws {
        var gif = try TestImages.bytes("images/gif-bmp/plain.gif")
        gif[6] = 0xFF; gif[7] = 0xFF; gif[8] = 0xFF; gif[9] = 0xFF  // 65535 × 65535
        let error = #expect(throws: ImagePrepError.self) {
            try ImageDecoder.decode(gif, options: DecodeOptions(maxPixels: 100_000_000))
        }
        #expect(error?.code == .tooManyPixels)
    }

    /// Where the first image's LZW code size byte lies: after the screen's colour table, the extensions and the
    /// image descriptor (this fixture's images have no local table).
    static func lzwCodeSizeOffset(_ gif: [UInt8]) -> Int {
        var at = 13 + (gif[10] & 0x80 != 0 ? 3 * (2 << Int(gif[10] & 7)) : 0)
        while gif[at] == 0x21 {
            at += 2
            while gif[at] != 0 { at += 1 + Int(gif[at]) }
            at += 1
        }
        return at + 10
    }
}
