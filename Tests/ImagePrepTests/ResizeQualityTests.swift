import CVTestSupport
import Foundation
import ImagePrep
import Testing

/// The prepared pixels against Pillow's `open → convert('RGB') → resize(size, BILINEAR)` on real photos
/// (Fixtures/prep-reference, made by make_fixtures.py): median PSNR ≥ 35 dB, none below 25 dB.
struct ResizeQualityTests {
    static let references: [String] = {
        let folder = FixturePaths.fixture("prep-reference").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".png") }
            .sorted()
    }()

    /// Source photo and target size of a reference named `<stem>_<W>x<H>.png`.
    static func parse(_ reference: String) throws -> (source: String, width: Int, height: Int) {
        let name = reference.dropLast(4)
        let parts = name.split(separator: "_")
        let size = try #require(parts.last).split(separator: "x").compactMap { Int($0) }
        let stem = parts.dropLast().joined(separator: "_")
        let folder = stem.hasPrefix("0000") ? "coco" : "neu"
        return ("images/\(folder)/\(stem).jpg", size[0], size[1])
    }

    /// The full path: DCT-scaled decode (as the preparer does) then resize, PNG out so only the resize is measured.
    static func prepared(_ reference: String) throws -> RGBImage {
        let (source, width, height) = try parse(reference)
        let options = PrepOptions(mode: .stretch(width: width, height: height), format: .png)
        let prepared = try ImagePreparer(options: options).prepare(TestImages.bytes(source), name: source)
        return try ImageDecoder.decode(prepared.bytes)
    }

    @Test func preparedPhotosMatchPillowReferences() throws {
        #expect(Self.references.count >= 14)
        var scores: [Double] = []
        for reference in Self.references {
            let expected = try TestImages.image("prep-reference/\(reference)")
            let psnr = TestImages.psnr(try Self.prepared(reference), expected)
            #expect(psnr >= 25, "\(reference): \(psnr) dB")
            scores.append(psnr)
        }
        scores.sort()
        let median = scores[scores.count / 2]
        #expect(median >= 35, "median \(median) dB; all: \(scores)")
    }

    @Test func fullSizeDecodeThenResizeMatchesPillowToRounding() throws {
        // Without DCT scaling the resampler is Pillow's own scheme: within a couple of levels everywhere.
        for reference in Self.references {
            let (source, width, height) = try Self.parse(reference)
            let resized = ImageResizer.resize(try TestImages.image(source), width: width, height: height)
            let expected = try TestImages.image("prep-reference/\(reference)")
            #expect(TestImages.maxDifference(resized, expected) <= 2, "\(reference)")
        }
    }

    @Test func downscalingAveragesInsteadOfSampling() {
        // A one-pixel checkerboard shrunk 4× must come out mid-grey, not black or white as point sampling gives.
        var pixels: [UInt8] = []
        for y in 0..<64 { for x in 0..<64 { pixels += [UInt8]((x + y) % 2 == 0 ? [255, 255, 255] : [0, 0, 0]) } }
        let small = ImageResizer.resize(RGBImage(width: 64, height: 64, pixels: pixels), width: 16, height: 16)
        #expect(small.pixels.allSatisfy { (120...135).contains($0) })
    }
}
