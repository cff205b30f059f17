import Foundation
import ImagePrep

/// A precision/recall chart: one polyline per series on a white canvas with axes, a 0.25 grid and a legend.
public struct PRPlot: Sendable {
    /// One curve: its name and its (recall, precision) points.
    public struct Series: Sendable, Hashable {
        public var name: String
        public var points: [PRPoint]
        public init(name: String, points: [PRPoint]) {
            self.name = name
            self.points = points
        }
    }

    /// A point of a curve, both coordinates in 0…1.
    public struct PRPoint: Sendable, Hashable {
        public var recall: Double
        public var precision: Double
        public init(recall: Double, precision: Double) {
            self.recall = recall
            self.precision = precision
        }
    }

    /// The canvas side in pixels.
    public var size = 480
    private let margin = 40
    private let drawer = BoxDrawer()

    public init() {}

    /// Renders the chart.
    public func render(_ series: [Series]) -> RGBImage {
        var image = RGBImage(width: size, height: size, fill: (255, 255, 255))
        let span = size - 2 * margin
        func x(_ recall: Double) -> Int { margin + Int((min(max(recall, 0), 1) * Double(span)).rounded()) }
        func y(_ precision: Double) -> Int { size - margin - Int((min(max(precision, 0), 1) * Double(span)).rounded()) }
        for step in 0...4 {
            let v = Double(step) / 4
            let gray: (UInt8, UInt8, UInt8) = step == 0 ? (0, 0, 0) : (220, 220, 220)
            drawer.fill(&image, x(v), y(1), x(v), y(0), gray)
            drawer.fill(&image, x(0), y(v), x(1), y(v), gray)
            drawer.text(&image, String(format: "%.2f", v), x: x(v) - 12, y: size - margin + 4, scale: 1,
                        color: (255, 255, 255))
            drawer.text(&image, String(format: "%.2f", v), x: 2, y: y(v) - 4, scale: 1, color: (255, 255, 255))
        }
        drawer.text(&image, "RECALL", x: size / 2 - 20, y: size - 14, scale: 1, color: (255, 255, 255))
        drawer.text(&image, "PRECISION", x: 2, y: 4, scale: 1, color: (255, 255, 255))
        for (index, curve) in series.enumerated() {
            let color = drawer.palette[index % drawer.palette.count]
            let points = curve.points.sorted { $0.recall < $1.recall }
            for (a, b) in zip(points, points.dropFirst()) {
                line(&image, x(a.recall), y(a.precision), x(b.recall), y(b.precision), color)
            }
            for p in points { drawer.fill(&image, x(p.recall) - 2, y(p.precision) - 2, x(p.recall) + 2,
                                          y(p.precision) + 2, color) }
            drawer.text(&image, curve.name, x: size - margin - 110, y: margin + 4 + index * 12, scale: 1, color: color)
        }
        return image
    }

    /// A 2-pixel line (Bresenham).
    private func line(_ image: inout RGBImage, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int,
                      _ color: (UInt8, UInt8, UInt8)) {
        var (x, y) = (x0, y0)
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            drawer.fill(&image, x, y, x + 1, y + 1, color)
            if x == x1 && y == y1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }
}
