import CustomVisionCore
import Foundation

extension BoxDecoder {
    /// What a candidate's score and features read from its cells, gathered in the cells' order (the order of the
    /// sum matters to the bits).
    struct CellStats {
        var sum: Float = 0
        var top: Float = 0
        /// The running minimum of the cells' `(x, y, -x, -y)`.
        var corner: SIMD4<Int16>
        var count = 0

        init(grid: Int) { corner = SIMD4(Int16(grid), Int16(grid), 1, 1) }

        @inline(__always)
        mutating func add(_ cell: Int, _ m: MapView, _ corners: UnsafeBufferPointer<SIMD4<Int16>>) {
            corner = pointwiseMin(corner, corners[cell])
            sum += m.map[cell]
            top = max(top, m.map[cell])
            count += 1
        }
    }

    /// One class's upsampled map and summed-area table, as the scoring reads them.
    struct MapView {
        var map: UnsafePointer<Float>
        var integral: UnsafePointer<Float>
        var grid: Int
        var tag: Int
        var classes: Int
        var peak: Float

        /// Sum of the map over columns `x0..<x1`, rows `y0..<y1`.
        @inline(__always)
        func sum(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> Float {
            let w = grid + 1
            return integral[y1 * w + x1] - integral[y0 * w + x1] - integral[y1 * w + x0] + integral[y0 * w + x0]
        }
    }

    /// The prediction of the cells summarized by `stats` (their bounding box, scored by their mean probability
    /// times the small-size penalty and `weight`), with its box-level features written to `f` (``featureCount``).
    static func score(_ stats: CellStats, _ m: MapView, threshold: Float, weight: Float,
                      features f: UnsafeMutablePointer<Float>) -> ModelPrediction {
        let grid = m.grid
        let corner = stats.corner
        let (x0, y0, x1, y1) = (Int(corner[0]), Int(corner[1]), -Int(corner[2]), -Int(corner[3]))
        let g = Double(grid)
        let box = BoundingBox(left: Double(x0) / g, top: Double(y0) / g,
                              width: Double(x1 - x0 + 1) / g, height: Double(y1 - y0 + 1) / g)
        let n = Float(stats.count) / Float(upsample * upsample)
        let prior = 1 - expf(-n / sizePrior)
        let mean = stats.sum / Float(stats.count)
        let score = mean * prior * weight
        let (w, h) = (Float(x1 - x0 + 1), Float(y1 - y0 + 1))
        let rect = m.sum(x0, y0, x1 + 1, y1 + 1)
        let r = max(upsample, Int(0.25 * max(w, h)))
        let (ox0, oy0, ox1, oy1) = (max(x0 - r, 0), max(y0 - r, 0), min(x1 + 1 + r, grid), min(y1 + 1 + r, grid))
        let ringArea = Float((ox1 - ox0) * (oy1 - oy0)) - w * h
        let ring = ringArea > 0 ? (m.sum(ox0, oy0, ox1, oy1) - rect) / ringArea : 0
        let edge = 1.5 * Float(upsample)
        let gf = Float(grid)
        (f[0], f[1], f[2], f[3], f[4]) = (score, mean, stats.top, threshold, weight < 1 ? 1 : 0)
        (f[5], f[6], f[7], f[8]) = (w / gf, h / gf, logf(w / h), (w * h).squareRoot() / gf)
        (f[9], f[10]) = ((Float(x0) + w / 2) / gf - 0.5, (Float(y0) + h / 2) / gf - 0.5)
        (f[11], f[12]) = (Float(x0) < edge ? 1 : 0, Float(y0) < edge ? 1 : 0)
        (f[13], f[14]) = (gf - Float(x1 + 1) < edge ? 1 : 0, gf - Float(y1 + 1) < edge ? 1 : 0)
        (f[15], f[16], f[17], f[18]) = (m.peak, rect / (w * h), ring, Float(stats.count) / (w * h))
        for k in 0..<m.classes { f[19 + k] = k == m.tag ? 1 : 0 }
        return ModelPrediction(tag: m.tag, probability: Double(score), box: box)
    }
}
