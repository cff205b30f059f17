import CVTestSupport
import ImagePrep
import Testing

/// EXIF orientations 1–8 (a JPEG's APP1, a PNG's eXIf) turn the pixels upright and move boxes with them.
struct OrientationTests {
    /// Where the red block is on the upright 96×64 fixture (see make_fixtures.py).
    static let uprightRed = BoundingBox(left: 8 / 96.0, top: 6 / 64.0, width: 24 / 96.0, height: 16 / 64.0)

    static func close(_ a: BoundingBox, _ b: BoundingBox, within tolerance: Double) -> Bool {
        abs(a.left - b.left) <= tolerance && abs(a.top - b.top) <= tolerance && abs(a.width - b.width) <= tolerance
            && abs(a.height - b.height) <= tolerance
    }

    @Test(arguments: ImageOrientation.allCases, ["jpg", "png"])
    func decodedImageIsUpright(orientation: ImageOrientation, format: String) throws {
        let bytes = try TestImages.bytes("images/generated/orientation_\(orientation.rawValue).\(format)")
        #expect(try ImageHeader.read(bytes).orientation == orientation)
        #expect(bytes.withUnsafeBytes { ImageOrientation.stored(in: $0) } == orientation)
        let image = try ImageDecoder.decode(bytes)
        #expect(image.width == 96 && image.height == 64)
        let red = try #require(TestImages.extent(image, where: TestImages.isRed))
        let box = BoundingBox(pixels: red, imageWidth: 96, imageHeight: 64)
        #expect(Self.close(box, Self.uprightRed, within: 1.5 / 64), "\(box)")
    }

    @Test(arguments: ImageOrientation.allCases, ["jpg", "png"])
    func boxesOnTheStoredImageFollowTheOrientation(orientation: ImageOrientation, format: String) throws {
        let bytes = try TestImages.bytes("images/generated/orientation_\(orientation.rawValue).\(format)")
        // Find the red block on the stored (unturned) pixels: that is where an annotator of the file would put it.
        let stored = try ImageDecoder.decode(bytes, options: DecodeOptions(applyOrientation: false))
        let red = try #require(TestImages.extent(stored, where: TestImages.isRed))
        let storedBox = BoundingBox(pixels: red, imageWidth: stored.width, imageHeight: stored.height)

        let options = PrepOptions(mode: .stretch(width: 96, height: 64), format: .png)
        let prepared = try ImagePreparer(options: options).prepare(bytes, name: "o.\(format)", boxes: [storedBox])
        let moved = try #require(prepared.boxes.first)
        #expect(Self.close(moved, Self.uprightRed, within: 1.5 / 64), "\(orientation): \(moved)")
        // The box and the pixels agree on the output image too.
        let output = try ImageDecoder.decode(prepared.bytes)
        let outRed = try #require(TestImages.extent(output, where: TestImages.isRed))
        let outBox = BoundingBox(pixels: outRed, imageWidth: output.width, imageHeight: output.height)
        #expect(Self.close(moved, outBox, within: 2.5 / 64))
    }

    @Test func storedOrientationOfOtherBytesIsUp() throws {
        // An EXIF-rotated JPEG cut off after its APP1 segment still says its orientation; a PNG without eXIf, a
        // GIF, a JPEG signature alone and no bytes at all say `.up`.
        let turned = try TestImages.bytes("images/generated/orientation_6.jpg")
        let png = try TestImages.bytes("images/generated/rgb.png")
        let gif = try TestImages.bytes("images/gif-bmp/interlaced.gif")
        for (bytes, expected) in [(Array(turned.prefix(600)), ImageOrientation.rotate90CW), (png, .up), (gif, .up),
                                  ([0xFF, 0xD8, 0xFF], .up), ([], .up)] {
            #expect(bytes.withUnsafeBytes { ImageOrientation.stored(in: $0) } == expected)
        }
    }

    /// A PNG's eXIf chunk: with or without JPEG's "Exif\0\0" before the TIFF data, only before the image data, and a
    /// damaged one ignored (the pixels are still good).
    @Test func pngEXIfIsReadBeforeTheImageDataOnly() throws {
        let stored = try TestImages.bytes("images/generated/orientation_6.png")
        let plain = try TestImages.bytes("images/generated/orientation_1.png")
        let exif = try #require(Self.chunk("eXIf", in: stored))
        func orientation(_ bytes: [UInt8]) -> ImageOrientation {
            bytes.withUnsafeBytes { ImageOrientation.stored(in: $0) }
        }
        #expect(orientation(stored) == .rotate90CW)
        #expect(try ImageHeader.read(stored).orientation == .rotate90CW)
        // "Exif\0\0" + TIFF, as some writers do.
        let prefixed = Self.replacing(exif, with: Self.chunk(type: "eXIf", Array("Exif".utf8) + [0, 0] + exif.data),
                                      in: stored)
        #expect(orientation(prefixed) == .rotate90CW)
        // Moved after IDAT: not looked for, so the image is taken as stored.
        let idat = try #require(Self.chunk("IDAT", in: stored))
        var after = Self.replacing(exif, with: [], in: stored)
        let idatEnd = try #require(Self.chunk("IDAT", in: after)).range.upperBound
        after.insert(contentsOf: stored[exif.range], at: idatEnd)
        #expect(idat.data.count > 0 && orientation(after) == .up)
        #expect(try ImageHeader.read(after).orientation == .up)
        // A length past the end of the file, and a TIFF block cut short: `.up`, and the image still decodes.
        var long = stored
        long[exif.range.lowerBound] = 0x7F
        let cut = Self.replacing(exif, with: Self.chunk(type: "eXIf", Array(exif.data.prefix(12))), in: stored)
        for bytes in [long, cut] { #expect(orientation(bytes) == .up) }
        #expect(try ImageDecoder.decode(cut).width == 64)  // stored 64×96, taken as upright
        #expect(orientation(plain) == .up)
    }

    /// A chunk of a PNG: its whole byte range (length to CRC) and its data.
    static func chunk(_ type: String, in png: [UInt8]) -> (range: Range<Int>, data: [UInt8])? {
        var i = 8
        while i + 8 <= png.count {
            let length = png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) }
            if String(decoding: png[i + 4..<i + 8], as: UTF8.self) == type {
                return (i..<i + 12 + length, Array(png[i + 8..<i + 8 + length]))
            }
            i += 12 + length
        }
        return nil
    }

    /// A chunk's bytes (the CRC left zero: libpng only warns about an ancillary chunk's CRC, and the reader of
    /// orientation does not check it).
    static func chunk(type: String, _ data: [UInt8]) -> [UInt8] {
        let length = UInt32(data.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + Array(type.utf8) + data + [0, 0, 0, 0]
    }

    static func replacing(_ chunk: (range: Range<Int>, data: [UInt8]), with bytes: [UInt8], in png: [UInt8])
        -> [UInt8]
    {
        var copy = png
        copy.replaceSubrange(chunk.range, with: bytes)
        return copy
    }

    @Test func transformsMatchPixelTurnsOnARectangularImage() throws {
        // A 5×3 image whose pixel values encode their position; a 1-pixel box must land where the pixel lands.
        var pixels: [UInt8] = []
        for y in 0..<3 { for x in 0..<5 { pixels += [UInt8(x), UInt8(y), 7] } }
        let image = RGBImage(width: 5, height: 3, pixels: pixels)
        for orientation in ImageOrientation.allCases {
            let turned = orientation.apply(to: image)
            let box = orientation.transform(BoundingBox(left: 3 / 5.0, top: 1 / 3.0, width: 1 / 5.0, height: 1 / 3.0))
            let px = Int((box.left * Double(turned.width)).rounded())
            let py = Int((box.top * Double(turned.height)).rounded())
            #expect(TestImages.pixel(turned, px, py) == (3, 1, 7), "\(orientation)")
        }
    }

    @Test(arguments: ImageOrientation.allCases)
    func inverseTurnsAnUprightBoxBackToTheStoredPixels(orientation: ImageOrientation) {
        let stored = BoundingBox(left: 0.125, top: 0.25, width: 0.5, height: 0.375)
        let back = orientation.inverse.transform(orientation.transform(stored))
        #expect(abs(back.left - stored.left) < 1e-12 && abs(back.top - stored.top) < 1e-12)
        #expect(abs(back.width - stored.width) < 1e-12 && abs(back.height - stored.height) < 1e-12)
    }
}
