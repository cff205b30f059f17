import CVTestSupport
import Dispatch
import Foundation
import ImagePrep
import Synchronization
import Testing

/// `ImagePreparer` end to end: the default NEU-DET recipe, boxes, limits and concurrent use.
struct PreparerTests {
    @Test func defaultRecipeIs256SquareJPEGQuality90() throws {
        let bytes = try TestImages.bytes("images/neu/crazing_1.jpg")
        let prepared = try ImagePreparer().prepare(bytes, name: "crazing_1.jpg")
        #expect(prepared.width == 256 && prepared.height == 256 && prepared.format == .jpeg)
        #expect(try ImageHeader.read(prepared.bytes) == ImageHeader(format: .jpeg, width: 256, height: 256))
        #expect(prepared.source == ImageHeader(format: .jpeg, width: 200, height: 200))
        let reference = try TestImages.image("prep-reference/crazing_1_256x256.png")
        #expect(TestImages.psnr(try ImageDecoder.decode(prepared.bytes), reference) > 35)
    }

    @Test func pixelBoxesComeOutNormalizedAndClamped() throws {
        let bytes = try TestImages.bytes("images/coco/000000037777.jpg")  // 352×230
        let boxes = [
            PixelRect(x: 35.2, y: 23, width: 176, height: 115),  // inside
            PixelRect(x: 300, y: 200, width: 100, height: 100),  // runs off the bottom-right
            PixelRect(x: 400, y: 10, width: 20, height: 20),  // entirely outside
            PixelRect(x: 10, y: 10, width: 0, height: 20),  // no width
        ]
        let prepared = try ImagePreparer().prepare(bytes, name: "a.jpg", pixelBoxes: boxes)
        #expect(prepared.boxIndices == [0, 1])
        #expect(prepared.droppedBoxIndices == [2, 3])
        let first = prepared.boxes[0]
        #expect(abs(first.left - 0.1) < 1e-9 && abs(first.top - 0.1) < 1e-9)
        #expect(abs(first.width - 0.5) < 1e-9 && abs(first.height - 0.5) < 1e-9)
        let second = prepared.boxes[1]
        #expect(abs(second.right - 1) < 1e-9 && abs(second.bottom - 1) < 1e-9)
        #expect(prepared.boxes.allSatisfy { $0.isInsideImage() })
    }

    @Test func fitLetterboxesBoxesAndPixelsAlike() throws {
        let bytes = try TestImages.bytes("images/generated/orientation_1.jpg")  // 96×64, red block top-left
        let options = PrepOptions(mode: .fit(width: 120, height: 120), format: .png, background: .black)
        let red = BoundingBox(left: 8 / 96.0, top: 6 / 64.0, width: 24 / 96.0, height: 16 / 64.0)
        let prepared = try ImagePreparer(options: options).prepare(bytes, boxes: [red])
        #expect(prepared.width == 120 && prepared.height == 120)
        let image = try ImageDecoder.decode(prepared.bytes)
        #expect(TestImages.pixel(image, 60, 5) == (0, 0, 0))  // padding above the 120×80 content
        let found = try #require(TestImages.extent(image, where: TestImages.isRed))
        let box = prepared.boxes[0].pixelRect(imageWidth: 120, imageHeight: 120)
        #expect(abs(box.x - found.x) <= 1.5 && abs(box.y - found.y) <= 1.5)
        #expect(abs(box.maxX - found.maxX) <= 1.5 && abs(box.maxY - found.maxY) <= 1.5)
    }

    @Test func outputOverTheByteLimitIsRefused() throws {
        let bytes = try TestImages.bytes("images/coco/000000037777.jpg")
        let limits = PrepLimits(maxOutputBytes: 1000)
        let error = try #require(throws: ImagePrepError.self) {
            try ImagePreparer(options: PrepOptions(limits: limits)).prepare(bytes, name: "big.jpg")
        }
        #expect(error.code == .tooLarge && error.fileName == "big.jpg")
        #expect(PrepLimits.training.maxOutputBytes == 6 * 1024 * 1024)
        #expect(PrepLimits.prediction.maxOutputBytes == 4 * 1024 * 1024)
    }

    @Test func aZeroTargetSizeIsAnOptionsError() throws {
        let bytes = try TestImages.bytes("images/neu/crazing_1.jpg")
        let error = try #require(throws: ImagePrepError.self) {
            try ImagePreparer(options: PrepOptions(mode: .stretch(width: 0, height: 256))).prepare(bytes)
        }
        #expect(error.code == .invalidOptions)
    }

    @Test func manyThreadsAtOnceGiveTheSameBytes() throws {
        let preparer = ImagePreparer()
        let inputs = try ["images/coco/000000037777.jpg", "images/neu/scratches_7.jpg", "images/generated/rgba.png"]
            .map(TestImages.bytes)
        let expected = try inputs.map { try preparer.prepare($0).bytes }
        let mismatches = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 24) { i in
            let same = (try? preparer.prepare(inputs[i % 3]).bytes) == expected[i % 3]
            if !same { mismatches.add(1, ordering: .relaxed) }
        }
        #expect(mismatches.load(ordering: .relaxed) == 0)
    }

    @Test(.enabled(if: FixturePaths.neuDET != nil))
    func preparesNEUDETImages() throws {
        let folder = try #require(FixturePaths.neuDET).appendingPathComponent("IMAGES")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().prefix(30)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            let prepared = try ImagePreparer().prepare(bytes, name: name)
            #expect(prepared.width == 256 && prepared.height == 256)
            #expect(prepared.bytes.count < PrepLimits.training.maxOutputBytes)
        }
    }
}

/// Grayscale JPEGs (kept one-channel internally) come out as RGB in every mode.
struct GrayPreparationTests {
    @Test(arguments: [
        ResizeMode.stretch(width: 64, height: 64), .fit(width: 100, height: 100), .maxSide(40),
    ])
    func grayJPEGComesOutAsRGB(mode: ResizeMode) throws {
        let bytes = try TestImages.bytes("images/generated/gray.jpg")  // 80×60 grayscale
        let options = PrepOptions(mode: mode, format: .png, background: RGBColor(red: 200, green: 10, blue: 10))
        let prepared = try ImagePreparer(options: options).prepare(bytes, name: "gray.jpg")
        let image = try ImageDecoder.decode(prepared.bytes)
        let expected = ImageResizer.resize(try TestImages.image("images/generated/gray.jpg"), mode: mode,
            padding: options.background)
        // Same size, same pixels up to the DCT-scaled decode the preparer may use (maxSide(40) decodes at 1/2).
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(TestImages.psnr(image, expected) > 30)
        let pixels = image.pixels
        let allGray = stride(from: 0, to: pixels.count, by: 3).allSatisfy { (i: Int) -> Bool in
            pixels[i] == pixels[i + 1] && pixels[i + 1] == pixels[i + 2]
        }
        let padded = mode == ResizeMode.fit(width: 100, height: 100)
        #expect(allGray != padded)
        if case .fit = mode { #expect(TestImages.pixel(image, 50, 2) == (200, 10, 10)) }
    }

    @Test func allocatorTuningAppliesOnGlibc() {
        #if os(Linux)
        #expect(AllocatorTuning.keepImageBuffersResident())
        #endif
    }
}
