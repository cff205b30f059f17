import CVTestSupport
import CustomVisionCore
import Dispatch
import Foundation
@testable import ImagePrep
import Synchronization
import Testing

/// The planar (Y, Cb, Cr) JPEG → JPEG path against the RGB path it replaces for the common case: taken when it
/// applies, near-identical pixels, same boxes, same errors, a colour 4:2:0 baseline JPEG even from gray sources.
struct PlanarPathTests {
    static let jpegs = [
        "images/coco/000000037777.jpg", "images/coco/000000122745.jpg", "images/coco/000000443303.jpg",
        "images/neu/crazing_1.jpg", "images/neu/scratches_7.jpg", "images/generated/gray.jpg",
        "images/generated/progressive.jpg",
    ]

    static let modes: [ResizeMode] = [
        .stretch(width: 256, height: 256), .stretch(width: 97, height: 61), .maxSide(101), .maxSide(1000),
    ]

    /// Prepares `bytes` both ways; the second result is the RGB path's.
    static func bothPaths(
        _ bytes: [UInt8], _ options: PrepOptions, boxes: [BoundingBox] = []
    ) throws -> (planar: PreparedImage, path: ImagePreparer.Path, rgb: PreparedImage) {
        let preparer = ImagePreparer(options: options)
        let fast = try preparer.run(bytes, allowPlanar: true) { _ in boxes }
        let slow = try preparer.run(bytes, allowPlanar: false) { _ in boxes }
        #expect(slow.path == .rgb)
        return (fast.image, fast.path, slow.image)
    }

    @Test(arguments: jpegs, modes)
    func planarPathGivesThePixelsOfTheRGBPath(file: String, mode: ResizeMode) throws {
        let bytes = try TestImages.bytes(file)
        let (planar, path, rgb) = try Self.bothPaths(bytes, PrepOptions(mode: mode))
        #expect(path == .planar)
        #expect(planar.width == rgb.width && planar.height == rgb.height)
        let a = try ImageDecoder.decode(planar.bytes), b = try ImageDecoder.decode(rgb.bytes)
        #expect(a.width == planar.width && a.height == planar.height)
        // Measured: 35.6 dB (352×230 → 97×61) to 55 dB. The paths differ in chroma only: the RGB path upsamples
        // chroma on decode and averages it back down on encode, the planar path resizes it once; against Pillow
        // references the planar path is as good (next test).
        #expect(TestImages.psnr(a, b) >= 35, "\(file) \(mode): \(TestImages.psnr(a, b)) dB")
    }

    /// Measured: the planar path is 0.0–0.71 dB further from Pillow than the RGB path (JPEG q95; 30.3–48.6 dB in
    /// all). Its chroma comes from the planes as stored, resized once; at 1/2–1/8 DCT scale TurboJPEG's planar
    /// decode also scales chroma down, where the RGB decode keeps it at full resolution.
    @Test func planarPathIsNearlyAsCloseToPillowAsTheRGBPath() throws {
        #expect(ResizeQualityTests.references.count >= 14)
        for reference in ResizeQualityTests.references {
            let (source, width, height) = try ResizeQualityTests.parse(reference)
            let expected = try TestImages.image("prep-reference/\(reference)")
            let options = PrepOptions(mode: .stretch(width: width, height: height), format: .jpeg(quality: 95))
            let (planar, path, rgb) = try Self.bothPaths(try TestImages.bytes(source), options)
            #expect(path == .planar)
            let ours = TestImages.psnr(try ImageDecoder.decode(planar.bytes), expected)
            let before = TestImages.psnr(try ImageDecoder.decode(rgb.bytes), expected)
            #expect(ours >= 30 && ours >= before - 0.75, "\(reference): planar \(ours) dB, RGB path \(before) dB")
        }
    }

    @Test(arguments: ["images/neu/crazing_1.jpg", "images/generated/gray.jpg", "images/coco/000000037777.jpg"])
    func outputIsABaselineThreeComponent420JPEG(file: String) throws {
        let (planar, path, _) = try Self.bothPaths(try TestImages.bytes(file), PrepOptions(format: .jpeg(quality: 75)))
        #expect(path == .planar)
        let frame = try #require(JPEGFrame(planar.bytes))
        #expect(frame.isBaseline && frame.width == 256 && frame.height == 256)
        #expect(frame.components.map(\.sampling) == [0x22, 0x11, 0x11])
        let image = try ImageDecoder.decode(planar.bytes)
        // A gray source stays gray in colour: R = G = B up to JPEG rounding.
        if file.contains("neu") || file.contains("gray") {
            var spread = 0
            for i in stride(from: 0, to: image.pixels.count, by: 3) {
                let (r, g, b) = (Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
                spread = max(spread, max(r, g, b) - min(r, g, b))
            }
            #expect(spread <= 1)
        }
    }

    @Test func qualityIsThatAsked() throws {
        let bytes = try TestImages.bytes("images/coco/000000037777.jpg")
        let low = try Self.bothPaths(bytes, PrepOptions(format: .jpeg(quality: 30))).planar.bytes
        let high = try Self.bothPaths(bytes, PrepOptions(format: .jpeg(quality: 95))).planar.bytes
        #expect(low.count * 2 < high.count)
        // The luma quantization table of quality 30 against the IJG table scaled to 30 (first entry 16 → 27).
        #expect(try #require(JPEGFrame(low)).firstLumaQuantizer == (16 * 5000 / 30 + 50) / 100)
    }

    @Test func otherCasesTakeTheRGBPath() throws {
        let cases: [(String, PrepOptions)] = [
            ("images/generated/rgb.png", PrepOptions()),
            ("images/coco/000000037777.jpg", PrepOptions(format: .png)),
            ("images/generated/cmyk.jpg", PrepOptions()),
        ]
        for (file, options) in cases {
            let result = try ImagePreparer(options: options).run(try TestImages.bytes(file), allowPlanar: true) { _ in
                []
            }
            #expect(result.path == .rgb, "\(file)")
        }
        // Orientation not applied: the stored pixels are what is wanted, and the planar path gives them.
        let stored = try ImagePreparer(options: PrepOptions(applyOrientation: false))
            .run(try TestImages.bytes("images/generated/orientation_6.jpg"), allowPlanar: true) { _ in [] }
        #expect(stored.path == .planar)
    }

    @Test(arguments: 1...8)
    func exifOrientationTurnsThePlanesAsTheRGBPathTurnsPixels(orientation: Int) throws {
        // 96×64 upright with a red block at the top left; stored turned so that orientation `n` makes it upright.
        let bytes = try TestImages.bytes("images/generated/orientation_\(orientation).jpg")
        let red = BoundingBox(left: 8 / 96.0, top: 6 / 64.0, width: 24 / 96.0, height: 16 / 64.0)
        let box = try Self.stored(red, under: try #require(ImageOrientation(rawValue: orientation)))
        for mode in [ResizeMode.stretch(width: 60, height: 40), .maxSide(48)] {
            let (planar, path, rgb) = try Self.bothPaths(bytes, PrepOptions(mode: mode), boxes: [box])
            #expect(path == .planar)
            #expect(planar.width == rgb.width && planar.height == rgb.height)
            #expect(planar.boxes == rgb.boxes)
            let a = try ImageDecoder.decode(planar.bytes), b = try ImageDecoder.decode(rgb.bytes)
            // Measured: 41.3 dB and up.
            #expect(TestImages.psnr(a, b) >= 38, "\(orientation) \(mode): \(TestImages.psnr(a, b)) dB")
            let found = try #require(TestImages.extent(a, where: TestImages.isRed))
            let expected = planar.boxes[0].pixelRect(imageWidth: planar.width, imageHeight: planar.height)
            #expect(abs(found.x - expected.x) <= 1.5 && abs(found.y - expected.y) <= 1.5, "\(orientation) \(mode)")
        }
    }

    /// The box on the stored image that `orientation` maps to `box` (the inverse turn is one of the eight).
    static func stored(_ box: BoundingBox, under orientation: ImageOrientation) throws -> BoundingBox {
        let close = { (a: BoundingBox, b: BoundingBox) in
            [a.left - b.left, a.top - b.top, a.width - b.width, a.height - b.height].allSatisfy { abs($0) < 1e-9 }
        }
        let inverse = try #require(ImageOrientation.allCases.first {
            close(orientation.transform($0.transform(box)), box)
        })
        return inverse.transform(box)
    }

    @Test(arguments: [RGBColor.white, .black, RGBColor(red: 30, green: 160, blue: 220)])
    func fitPadsThePlanesWithTheBackground(background: RGBColor) throws {
        let red = BoundingBox(left: 8 / 96.0, top: 6 / 64.0, width: 24 / 96.0, height: 16 / 64.0)
        let files = ["images/generated/orientation_1.jpg", "images/coco/000000037777.jpg", "images/neu/crazing_1.jpg"]
        for file in files {
            for mode in [ResizeMode.fit(width: 120, height: 120), .fit(width: 101, height: 37)] {
                let options = PrepOptions(mode: mode, background: background)
                let (planar, path, rgb) = try Self.bothPaths(try TestImages.bytes(file), options, boxes: [red])
                #expect(path == .planar)
                #expect(planar.width == rgb.width && planar.height == rgb.height && planar.boxes == rgb.boxes)
                let a = try ImageDecoder.decode(planar.bytes), b = try ImageDecoder.decode(rgb.bytes)
                // Measured: 31.1 dB and up (the colour fringe where content meets padding differs by a pixel).
                #expect(TestImages.psnr(a, b) >= 30, "\(file) \(mode): \(TestImages.psnr(a, b)) dB")
                let layout = mode.layout(sourceWidth: planar.source.width, sourceHeight: planar.source.height)
                guard layout.contentX > 2 || layout.contentY > 2 else { continue }  // a square fills a square
                let corner = TestImages.pixel(a, 0, 0)
                #expect(abs(corner.0 - Int(background.red)) <= 3 && abs(corner.1 - Int(background.green)) <= 3
                    && abs(corner.2 - Int(background.blue)) <= 3, "\(file) \(mode): \(corner)")
            }
        }
        let bytes = try TestImages.bytes("images/generated/orientation_1.jpg")
        let prepared = try ImagePreparer(options: PrepOptions(mode: .fit(width: 120, height: 120),
            background: background)).prepare(bytes, boxes: [red])
        let found = try #require(TestImages.extent(try ImageDecoder.decode(prepared.bytes), where: TestImages.isRed))
        let box = prepared.boxes[0].pixelRect(imageWidth: 120, imageHeight: 120)
        #expect(abs(box.x - found.x) <= 1.5 && abs(box.y - found.y) <= 1.5)
        #expect(abs(box.maxX - found.maxX) <= 1.5 && abs(box.maxY - found.maxY) <= 1.5)
    }

    @Test func boxesAreThoseOfTheRGBPath() throws {
        let boxes = [
            BoundingBox(left: 0.1, top: 0.2, width: 0.3, height: 0.4),
            BoundingBox(left: 0.9, top: 0.9, width: 0.5, height: 0.5),
            BoundingBox(left: 0.5, top: 0.5, width: 0, height: 0.1),
        ]
        for mode in Self.modes {
            let bytes = try TestImages.bytes("images/coco/000000122745.jpg")
            let (planar, path, rgb) = try Self.bothPaths(bytes, PrepOptions(mode: mode), boxes: boxes)
            #expect(path == .planar)
            #expect(planar.boxes == rgb.boxes && planar.boxIndices == rgb.boxIndices)
            #expect(planar.droppedBoxIndices == [2] && rgb.droppedBoxIndices == [2])
            #expect(planar.source == rgb.source)
        }
    }

    @Test(arguments: ["truncated-scan.jpg", "corrupt-scan.jpg", "truncated-header.jpg", "too-small-40x30.jpg",
        "bomb-60000x60000.jpg", "random-bytes.jpg"])
    func badFilesFailAsOnTheRGBPath(file: String) throws {
        let bytes = try TestImages.bytes("bad/\(file)")
        let preparer = ImagePreparer()
        let planar = try #require(throws: ImagePrepError.self) {
            try preparer.run(bytes, allowPlanar: true) { _ in [] }
        }
        let rgb = try #require(throws: ImagePrepError.self) { try preparer.run(bytes, allowPlanar: false) { _ in [] } }
        #expect(planar.code == rgb.code && planar.message == rgb.message)
    }

    @Test func limitsAreThoseOfTheRGBPath() throws {
        let bytes = try TestImages.bytes("images/coco/000000037777.jpg")  // 352×230
        for limits in [PrepLimits(maxOutputBytes: 1000), PrepLimits(maxPixels: 80_000, maxOutputBytes: 1 << 20),
            PrepLimits(minSide: 231, maxOutputBytes: 1 << 20)]
        {
            let preparer = ImagePreparer(options: PrepOptions(limits: limits))
            let planar = try #require(throws: ImagePrepError.self) {
                try preparer.run(bytes, allowPlanar: true) { _ in [] }
            }
            let rgb = try #require(throws: ImagePrepError.self) {
                try preparer.run(bytes, allowPlanar: false) { _ in [] }
            }
            // The same check fails; a too-large output names its own byte count.
            #expect(planar.code == rgb.code)
            #expect(planar.code == .tooLarge || planar.message == rgb.message, "\(planar) / \(rgb)")
        }
    }

    @Test func pooledHandlesStayUsableAfterErrors() throws {
        let good = try TestImages.bytes("images/coco/000000037777.jpg")
        let preparer = ImagePreparer()
        let expected = try preparer.prepare(good).bytes
        for bad in ["truncated-scan.jpg", "corrupt-scan.jpg", "truncated-header.jpg"] {
            let bytes = try TestImages.bytes("bad/\(bad)")
            #expect(throws: ImagePrepError.self) { try preparer.prepare(bytes) }
            // The same thread takes the same pooled workspace (and its TurboJPEG handles) next.
            #expect(try preparer.prepare(good).bytes == expected, "after \(bad)")
        }
        let tooLarge = ImagePreparer(options: PrepOptions(limits: PrepLimits(maxOutputBytes: 100)))
        #expect(throws: ImagePrepError.self) { try tooLarge.prepare(good) }
        #expect(try preparer.prepare(good).bytes == expected)
    }

    @Test func aHeaderErrorDoesNotLeaveThePooledDecompressorHalfwayThroughAHeader() throws {
        // libjpeg stops inside the header on a bad DHT table; a handle kept in that state would read the next
        // file's markers as a continuation of this one ("Bogus Huffman table definition" on a good file).
        let good = try TestImages.bytes("images/coco/000000037777.jpg")
        let preparer = ImagePreparer()
        let expected = try preparer.prepare(good).bytes
        var bogus = good
        let dht = try #require((0..<bogus.count - 1).first { bogus[$0] == 0xFF && bogus[$0 + 1] == 0xC4 })
        for i in (dht + 5)..<(dht + 21) { bogus[i] = 0xFF }  // 16 code counts summing far over 256
        for _ in 0..<3 {
            #expect(throws: ImagePrepError.self) { try preparer.prepare(bogus) }
            #expect(try preparer.prepare(good).bytes == expected)
        }
    }

    @Test func manyThreadsWithMixedSizesGiveTheBytesOfOneThread() throws {
        // Different sizes in turn through the same pooled workspaces: buffers grow and are reused.
        let jobs = try Self.jpegs.flatMap { file in
            try Self.modes.map { mode in (try TestImages.bytes(file), ImagePreparer(options: PrepOptions(mode: mode))) }
        }
        let expected = try jobs.map { try $0.1.prepare($0.0).bytes }
        let mismatches = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: jobs.count * 3) { i in
            let job = jobs[(i * 7) % jobs.count]
            if (try? job.1.prepare(job.0).bytes) != expected[(i * 7) % jobs.count] {
                mismatches.add(1, ordering: .relaxed)
            }
        }
        #expect(mismatches.load(ordering: .relaxed) == 0)
    }
}

/// The frame header and first quantization table of a JPEG, read from its markers.
struct JPEGFrame {
    var isBaseline = false
    var width = 0
    var height = 0
    var components: [(id: UInt8, sampling: UInt8)] = []
    var firstLumaQuantizer = 0

    init?(_ bytes: [UInt8]) {
        var i = 2
        while i + 4 <= bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            let body = i + 4
            if marker == 0xDB, firstLumaQuantizer == 0 { firstLumaQuantizer = Int(bytes[body + 1]) }
            if marker == 0xC0 || marker == 0xC2 {
                isBaseline = marker == 0xC0
                height = Int(bytes[body + 1]) << 8 | Int(bytes[body + 2])
                width = Int(bytes[body + 3]) << 8 | Int(bytes[body + 4])
                for c in 0..<Int(bytes[body + 5]) {
                    components.append((bytes[body + 6 + 3 * c], bytes[body + 7 + 3 * c]))
                }
                return
            }
            i += 2 + length
        }
        return nil
    }
}
