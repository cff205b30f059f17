import CVTestSupport
import Foundation
@testable import ImagePrep
import Testing

/// `JPEGDCDecoder` gives libjpeg-turbo's 1/8-scale planes exactly, and steps aside for what it does not handle.
struct DCDecoderTests {
    static let fixtures = [
        "images/coco/000000006818.jpg", "images/coco/000000037777.jpg", "images/coco/000000085329.jpg",
        "images/coco/000000122745.jpg", "images/coco/000000308394.jpg", "images/coco/000000443303.jpg",
        "images/neu/crazing_1.jpg", "images/neu/scratches_7.jpg", "images/generated/gray.jpg",
        "images/generated/orientation_1.jpg", "images/generated/orientation_6.jpg", "prep-dc/restart-16.jpg",
        "prep-dc/restart-rows.jpg", "prep-dc/odd-422-333x157.jpg", "prep-dc/444-97x51.jpg",
        "prep-dc/noise-q100.jpg", "prep-dc/noise-q100-optimized.jpg",
    ]

    /// The 1/8-scale planes of `bytes` (each copied out row by row), and whether `JPEGDCDecoder` made them.
    static func planes(_ bytes: [UInt8], allowDCOnly: Bool) throws -> (planes: [[UInt8]], dcOnly: Bool) {
        try bytes.withUnsafeBufferPointer { b in
            try PrepWorkspace.with { workspace in
                let info = try JPEGCodec.readHeader(try workspace.decompressorHandle(), b, maxPixels: 1 << 30)
                let (w, h) = ((info.header.width + 7) / 8, (info.header.height + 7) / 8)
                let (views, dcOnly) = try JPEGCodec.decodePlanes(b, info: info, width: w, height: h, reduction: 8,
                    allowDCOnly: allowDCOnly, workspace: workspace)
                let copies = views.map { view in
                    (0..<view.height).flatMap { y in Array(UnsafeBufferPointer(start: view.base + y * view.stride,
                        count: view.width)) }
                }
                return (copies, dcOnly)
            }
        }
    }

    @Test(arguments: fixtures)
    func dcOnlyPlanesAreLibjpegTurbosOneEighthPlanes(file: String) throws {
        let bytes = try TestImages.bytes(file)
        let ours = try Self.planes(bytes, allowDCOnly: true)
        let reference = try Self.planes(bytes, allowDCOnly: false)
        #expect(ours.dcOnly && !reference.dcOnly)
        #expect(ours.planes.map(\.count) == reference.planes.map(\.count))
        #expect(ours.planes == reference.planes)
    }

    @Test(.enabled(if: FixturePaths.neuDET != nil))
    func neuDETPlanesMatch() throws {
        try Self.expectSamePlanes(in: try #require(FixturePaths.neuDET).appendingPathComponent("IMAGES"))
    }

    @Test(.enabled(if: FixturePaths.tinyCOCO != nil))
    func tinyCOCOPlanesMatch() throws {
        try Self.expectSamePlanes(in: try #require(FixturePaths.tinyCOCO).appendingPathComponent("val2017"))
    }

    static func expectSamePlanes(in folder: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jpg") }
        #expect(names.count >= 10)
        for name in names.sorted().prefix(40) {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            let ours = try Self.planes(bytes, allowDCOnly: true)
            let reference = try Self.planes(bytes, allowDCOnly: false)
            #expect(ours.dcOnly, "\(name)")
            #expect(ours.planes == reference.planes, "\(name)")
        }
    }

    @Test(arguments: ["images/generated/progressive.jpg", "images/generated/cmyk.jpg", "bad/truncated-scan.jpg",
        "bad/corrupt-scan.jpg", "bad/truncated-header.jpg", "bad/random-bytes.jpg", "bad/zero-bytes.jpg"])
    func filesItDoesNotHandleExactlyAreLeftToLibjpegTurbo(file: String) throws {
        let bytes = try TestImages.bytes(file)
        let buffers = [ScratchBuffer(), ScratchBuffer(), ScratchBuffer(), ScratchBuffer()]
        let planes = bytes.withUnsafeBufferPointer { JPEGDCDecoder.decode($0, into: buffers) }
        #expect(planes == nil || file.hasSuffix("cmyk.jpg"))
    }

    @Test func damagedDataIsLeftToLibjpegTurbo() throws {
        let bytes = try TestImages.bytes("images/coco/000000037777.jpg")
        let buffers = [ScratchBuffer(), ScratchBuffer(), ScratchBuffer()]
        let cut = Array(bytes.prefix(bytes.count / 2)) + [0xFF, 0xD9]
        var flipped = bytes
        flipped[bytes.count - 2000] ^= 0x5A  // a changed byte in the scan: a bad code or data left over
        var extra = bytes
        extra.insert(contentsOf: [0x12, 0x34], at: bytes.count - 2)  // bytes between the scan and EOI
        for damaged in [cut, extra] {
            #expect(damaged.withUnsafeBufferPointer { JPEGDCDecoder.decode($0, into: buffers) } == nil)
        }
        // A flipped byte may still decode; if so, to libjpeg-turbo's values, or libjpeg-turbo refuses it too.
        if (try? Self.planes(flipped, allowDCOnly: false)) != nil {
            let ours = try Self.planes(flipped, allowDCOnly: true)
            let reference = try Self.planes(flipped, allowDCOnly: false)
            #expect(!ours.dcOnly || ours.planes == reference.planes)
        }
    }
}
