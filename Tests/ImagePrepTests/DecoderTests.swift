import CVTestSupport
import ImagePrep
import Testing

/// JPEG and PNG variants decode to the RGB that Pillow decodes (composited on white where transparent).
struct DecoderTests {
    @Test(arguments: [
        ("gray.jpg", 0), ("progressive.jpg", 0), ("cmyk.jpg", 2),
        ("rgb.png", 0), ("gray8.png", 0), ("gray_alpha.png", 1), ("rgba.png", 1), ("palette.png", 0),
        ("palette_trns.png", 1), ("rgb16.png", 0), ("interlaced.png", 0),
    ])
    func decodesVariantLikePillow(file: String, tolerance: Int) throws {
        let decoded = try TestImages.image("images/generated/\(file)")
        let stem = file.split(separator: ".")[0]
        let expected = try TestImages.image("images/generated/\(stem)_expected.png")
        #expect(decoded.width == expected.width && decoded.height == expected.height)
        #expect(TestImages.maxDifference(decoded, expected) <= tolerance, "\(file)")
    }

    @Test func transparentPixelsTakeTheBackgroundColour() throws {
        let bytes = try TestImages.bytes("images/generated/rgba.png")
        let onBlack = try ImageDecoder.decode(bytes, options: DecodeOptions(background: .black))
        let onWhite = try ImageDecoder.decode(bytes)
        // The fixture's alpha ramps from 0 at the left edge to 255 at the right.
        #expect(TestImages.pixel(onBlack, 0, 10) == (0, 0, 0))
        #expect(TestImages.pixel(onWhite, 0, 10) == (255, 255, 255))
        let right = onWhite.width - 1
        #expect(TestImages.pixel(onBlack, right, 10) == TestImages.pixel(onWhite, right, 10))
    }

    @Test func headerReadsSizeAndFormatWithoutDecoding() throws {
        let jpeg = try ImageHeader.read(TestImages.bytes("images/coco/000000037777.jpg"))
        #expect(jpeg == ImageHeader(format: .jpeg, width: 352, height: 230, orientation: .up))
        let png = try ImageHeader.read(TestImages.bytes("images/generated/interlaced.png"))
        #expect(png == ImageHeader(format: .png, width: 80, height: 60))
        let turned = try ImageHeader.read(TestImages.bytes("images/generated/orientation_6.jpg"))
        #expect(turned.orientation == .rotate90CW)
        #expect(turned.width == 64 && turned.orientedSize == (96, 64))
    }

    @Test func formatComesFromTheSignatureNotTheName() throws {
        #expect(ImageFormat.detect(try TestImages.bytes("images/generated/rgb.png")) == .png)
        #expect(ImageFormat.detect(try TestImages.bytes("bad/text-named.png")) == nil)
        #expect(ImageFormat.detect([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageFormat.detect(Array("GIF89a".utf8)) == .gif)
        #expect(ImageFormat.detect([0x4D, 0x4D, 0x00, 0x2A]) == .tiff)
        #expect(ImageFormat.detect([UInt8]()) == nil)
    }

    @Test func scaledDecodePicksTheSmallestPowerOfTwoStillCoveringTheTarget() throws {
        let bytes = try TestImages.bytes("images/coco/000000085329.jpg")  // 640×449
        func decoded(_ w: Int, _ h: Int) throws -> (Int, Int) {
            let image = try ImageDecoder.decode(bytes, options: DecodeOptions(minimumSize: (w, h)))
            return (image.width, image.height)
        }
        #expect(try decoded(256, 256) == (640, 449))
        #expect(try decoded(256, 200) == (320, 225))
        #expect(try decoded(128, 96) == (160, 113))
        #expect(try decoded(50, 50) == (80, 57))
        #expect(try ImageDecoder.decode(bytes).width == 640)
    }

    @Test func decodedSizeIsKnownFromTheHeaderBeforeDecoding() throws {
        for path in [
            "images/coco/000000085329.jpg", "images/generated/orientation_6.jpg", "images/generated/rgb.png",
        ] {
            let bytes = try TestImages.bytes(path)
            let header = try ImageHeader.read(bytes)
            for target in [nil, (256, 200), (50, 50), (1, 1)] as [(Int, Int)?] {
                for upright in [true, false] {
                    let options = DecodeOptions(applyOrientation: upright, minimumSize: target)
                    let image = try ImageDecoder.decode(bytes, options: options)
                    #expect(ImageDecoder.decodedSize(header, options: options) == (image.width, image.height),
                        "\(path)")
                }
            }
        }
        let jpeg = try ImageHeader.read(TestImages.bytes("images/coco/000000085329.jpg"))  // 640×449
        #expect(ImageDecoder.decodedSize(jpeg, options: DecodeOptions(minimumSize: (50, 50))) == (80, 57))
    }

    @Test func pixelLimitIsCheckedBeforeDecoding() throws {
        let bytes = try TestImages.bytes("images/coco/000000037777.jpg")
        let error = try #require(throws: ImagePrepError.self) {
            try ImageDecoder.decode(bytes, options: DecodeOptions(maxPixels: 352 * 230 - 1))
        }
        #expect(error.code == .tooManyPixels)
        #expect(try ImageDecoder.decode(bytes, options: DecodeOptions(maxPixels: 352 * 230)).height == 230)
    }

    @Test func encodersRoundTrip() throws {
        let image = try TestImages.image("images/generated/rgb.png")
        let png = try ImageEncoder.png(image)
        #expect(ImageFormat.detect(png) == .png)
        #expect(try ImageDecoder.decode(png) == image)
        let jpeg = try ImageEncoder.jpeg(image, quality: 95)
        #expect(ImageFormat.detect(jpeg) == .jpeg)
        let back = try ImageDecoder.decode(jpeg)
        #expect(TestImages.psnr(back, image) > 30)
        #expect(try ImageEncoder.jpeg(image, quality: 30).count < jpeg.count)
    }
}
