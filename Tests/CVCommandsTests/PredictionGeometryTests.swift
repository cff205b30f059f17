import ArgumentParser
import CVTestSupport
import CustomVisionCore
import Foundation
import ImagePrep
import Testing

@testable import CVCommands

/// `predict` sends a prepared image (turned upright, resized, maybe letterboxed) but reports and draws boxes on the
/// file. A "perfect model" here finds the red block on the bytes really sent; its box must land on the red block of
/// the file as it appears upright, in the JSON and in the drawing.
struct PredictionGeometryTests {
    /// The orientation fixtures: 96×64 upright, red block at x 8–31, y 6–21, stored turned by EXIF orientation N.
    static let redBlock = BoundingBox(left: 8 / 96, top: 6 / 64, width: 24 / 96, height: 16 / 64)
    static let modes: [PrepMode] = [.stretch, .fit]

    private static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> (Int, Int, Int) {
        let i = (y * image.width + x) * 3
        return (Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
    }

    /// The normalized extent of the red pixels of `image`: what a perfect detector answers.
    private static func redExtent(_ image: RGBImage) throws -> BoundingBox {
        var (minX, minY, maxX, maxY) = (Int.max, Int.max, -1, -1)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let (r, g, b) = pixel(image, x, y)
                guard r > 150, g < 90, b < 90 else { continue }
                (minX, minY, maxX, maxY) = (min(minX, x), min(minY, y), max(maxX, x), max(maxY, y))
            }
        }
        try #require(maxX >= 0, "no red pixel")
        let (w, h) = (Double(image.width), Double(image.height))
        return BoundingBox(left: Double(minX) / w, top: Double(minY) / h, width: Double(maxX + 1 - minX) / w,
                           height: Double(maxY + 1 - minY) / h)
    }

    private static func expectClose(_ a: BoundingBox, _ b: BoundingBox, within tolerance: Double) {
        for (x, y) in [(a.left, b.left), (a.top, b.top), (a.width, b.width), (a.height, b.height)] {
            #expect(abs(x - y) <= tolerance, "\(a) vs \(b)")
        }
    }

    private static func preparer(_ mode: PrepMode) throws -> ImagePreparer {
        let parsed = try PredictionPrep.parse(["--mode", mode.rawValue])
        return try #require(parsed.preparer)
    }

    @Test(arguments: [1, 3, 6, 8], modes)
    func boxesOnTheSentImageAreReportedOnTheUprightFile(orientation: Int, mode: PrepMode) throws {
        let file = FixturePaths.fixture("images/generated/orientation_\(orientation).jpg").path
        let (sent, geometry) = try PredictCommand.send(file, preparer: try Self.preparer(mode))
        let onSent = try Self.redExtent(try ImageDecoder.decode([UInt8](sent)))
        if mode == .fit {
            // Letterboxing moves the block on the sent image: reporting the box unchanged would be wrong.
            #expect(abs(onSent.top - Self.redBlock.top) > 0.05)
        }
        let prediction = ImagePrediction(id: UUID(), predictions: [
            Prediction(probability: 0.9, tagName: "crack", boundingBox: onSent)
        ])
        let reported = try #require(geometry.onFile(prediction).predictions?.first?.boundingBox)
        Self.expectClose(reported, Self.redBlock, within: 2 / 64)
    }

    @Test(arguments: [1, 6], modes)
    func drawnBoxesOutlineTheObjectOnTheFile(orientation: Int, mode: PrepMode) throws {
        let file = FixturePaths.fixture("images/generated/orientation_\(orientation).jpg").path
        let (sent, geometry) = try PredictCommand.send(file, preparer: try Self.preparer(mode))
        let onSent = try Self.redExtent(try ImageDecoder.decode([UInt8](sent)))
        let prediction = geometry.onFile(ImagePrediction(id: UUID(), predictions: [
            Prediction(probability: 0.9, tagName: "crack", boundingBox: onSent)
        ]))
        let drawn = try PredictionDrawing.render(file, prediction.predictions ?? [])
        #expect(drawn.width == 96 && drawn.height == 64)
        let palette = BoxDrawer().palette
        let color = palette[PredictionDrawing.colorIndex("crack 90%") % palette.count]
        let expected = (Int(color.0), Int(color.1), Int(color.2))
        // Left and right edges below the caption bar, and the bottom edge, of the block at x 8–31, y 6–21.
        for (x, y) in [(8, 19), (31, 19), (20, 21)] {
            let got = Self.pixel(drawn, x, y)
            #expect(abs(got.0 - expected.0) + abs(got.1 - expected.1) + abs(got.2 - expected.2) <= 30,
                    "(\(x), \(y)) is \(got), not \(expected)")
        }
        #expect(Self.pixel(drawn, 70, 20) == (255, 255, 255) || Self.pixel(drawn, 70, 20).0 > 230)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("draw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try PredictionDrawing.write(file, prediction.predictions ?? [], into: folder.path)
        let written = try ImageDecoder.decode(
            [UInt8](try Data(contentsOf: folder.appendingPathComponent("orientation_\(orientation).jpg"))))
        #expect(written.width == 96 && written.height == 64)
    }

    @Test func drawingsOfSameNamedFilesDoNotOverwriteEachOther() {
        let inputs = ["held/a/x.jpg", "held/b/x.jpg", "./held/y.png", "held/z.jpg", "held/z.png"].map {
            PredictionInput(path: $0, isURL: false)
        } + [PredictionInput(path: "https://example.com/w.jpg", isURL: true)]
        let names = PredictionDrawing.outputNames(inputs)
        #expect(names == [
            "held/a/x.jpg": "held_a_x.jpg", "held/b/x.jpg": "held_b_x.jpg", "./held/y.png": "y.jpg",
            "held/z.jpg": "held_z.jpg.jpg", "held/z.png": "held_z.png.jpg",
        ])
    }

    @Test func unpreparedFilesKeepTheServiceBoxes() throws {
        let file = FixturePaths.fixture("images/generated/orientation_6.jpg").path
        let (sent, geometry) = try PredictCommand.send(file, preparer: nil)
        #expect(sent == FileManager.default.contents(atPath: file))
        let box = BoundingBox(left: 0.1, top: 0.2, width: 0.3, height: 0.4)
        #expect(geometry.box(onFile: box) == box)
    }
}
