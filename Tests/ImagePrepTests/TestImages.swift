import CVTestSupport
import Foundation
import ImagePrep

/// Fixture loading and image comparison for the ImagePrep tests.
enum TestImages {
    /// The bytes of `Fixtures/<path>`.
    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: FixturePaths.fixture(path)))
    }

    /// A fixture decoded at full size.
    static func image(_ path: String) throws -> RGBImage {
        try ImageDecoder.decode(bytes(path))
    }

    /// Peak signal-to-noise ratio in dB over all channels (infinity when identical).
    static func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        var sum = 0.0
        for i in a.pixels.indices {
            let d = Double(a.pixels[i]) - Double(b.pixels[i])
            sum += d * d
        }
        let mse = sum / Double(a.pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// The largest per-channel difference.
    static func maxDifference(_ a: RGBImage, _ b: RGBImage) -> Int {
        zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    /// The pixel at (x, y).
    static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> (Int, Int, Int) {
        let i = (y * image.width + x) * 3
        return (Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
    }

    /// The bounding rectangle (in pixels) of the pixels for which `match` holds.
    static func extent(_ image: RGBImage, where match: ((Int, Int, Int)) -> Bool) -> PixelRect? {
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        for y in 0..<image.height {
            for x in 0..<image.width where match(pixel(image, x, y)) {
                minX = min(minX, x)
                minY = min(minY, y)
                maxX = max(maxX, x)
                maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return nil }
        return PixelRect(xmin: Double(minX), ymin: Double(minY), xmax: Double(maxX + 1), ymax: Double(maxY + 1))
    }

    /// True for the strong red of the orientation fixtures.
    static func isRed(_ p: (Int, Int, Int)) -> Bool { p.0 > 150 && p.1 < 90 && p.2 < 90 }
}
