/// Normalized histograms over rectangles of per-pixel labels, square-rooted (Hellinger) for linear models.
enum Histograms {
    /// Histogram of `table[codes[i]]` over the pixels `x0..<x1`, `y0..<y1` of a `side`-wide map.
    static func labels(
        _ codes: [UInt8], table: [UInt8], bins: Int, side: Int, x0: Int, y0: Int, x1: Int, y1: Int
    ) -> [Float] {
        var hist = [Float](repeating: 0, count: bins)
        for y in y0..<y1 {
            for x in x0..<x1 { hist[Int(table[Int(codes[y * side + x])])] += 1 }
        }
        return rootNormalized(hist)
    }

    /// Magnitude-weighted orientation histogram plus the log mean magnitude over a rectangle.
    static func orientations(
        _ grad: (magnitude: [Float], bin: [UInt8]), side: Int, x0: Int, y0: Int, x1: Int, y1: Int
    ) -> [Float] {
        var hist = [Float](repeating: 0, count: TextureMaps.orientationBins)
        var total: Float = 0
        for y in y0..<y1 {
            for x in x0..<x1 {
                let i = y * side + x
                hist[Int(grad.bin[i])] += grad.magnitude[i]
                total += grad.magnitude[i]
            }
        }
        let n = Float(max((x1 - x0) * (y1 - y0), 1))
        return rootNormalized(hist) + [logf(1 + total / n)]
    }

    /// Mean and standard deviation of a plane over a rectangle.
    static func moments(_ plane: [Float], side: Int, x0: Int, y0: Int, x1: Int, y1: Int) -> (mean: Float, std: Float) {
        var sum: Float = 0
        var sq: Float = 0
        for y in y0..<y1 {
            for x in x0..<x1 {
                let v = plane[y * side + x]
                sum += v
                sq += v * v
            }
        }
        let n = Float(max((x1 - x0) * (y1 - y0), 1))
        let mean = sum / n
        return (mean, max(sq / n - mean * mean, 0).squareRoot())
    }

    static func rootNormalized(_ hist: [Float]) -> [Float] {
        let total = hist.reduce(0, +)
        guard total > 0 else { return hist }
        return hist.map { ($0 / total).squareRoot() }
    }
}

import Foundation
