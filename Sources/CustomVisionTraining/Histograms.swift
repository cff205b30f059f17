import Foundation

/// Normalized histograms over rectangles of per-pixel labels, square-rooted (Hellinger) for linear models.
///
/// The `into:` forms write to a caller's buffer (detection computes thousands per image); the array forms wrap
/// them. Both add the same values in the same order.
enum Histograms {
    /// Histogram of `table[codes[i]]` over the pixels `x0..<x1`, `y0..<y1` of a `side`-wide map.
    static func labels(
        _ codes: [UInt8], table: [UInt8], bins: Int, side: Int, x0: Int, y0: Int, x1: Int, y1: Int
    ) -> [Float] {
        var hist = [Float](repeating: 0, count: bins)
        codes.withUnsafeBufferPointer { c in
            table.withUnsafeBufferPointer { t in
                hist.withUnsafeMutableBufferPointer {
                    labels(c, table: t, bins: bins, side: side, x0: x0, y0: y0, x1: x1, y1: y1, into: $0.baseAddress!)
                }
            }
        }
        return hist
    }

    /// ``labels(_:table:bins:side:x0:y0:x1:y1:)`` written to `out[0..<bins]`.
    static func labels(
        _ codes: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, bins: Int, side: Int,
        x0: Int, y0: Int, x1: Int, y1: Int, into out: UnsafeMutablePointer<Float>
    ) {
        // Counted in four interleaved integer histograms (independent increments), then summed: the counts are
        // exact either way, so the floats are the ones adding 1 per pixel gives.
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 4 * bins) { counts in
            let c = counts.baseAddress!
            c.initialize(repeating: 0, count: 4 * bins)
            let (c1, c2, c3) = (c + bins, c + 2 * bins, c + 3 * bins)
            for y in y0..<y1 {
                let row = codes.baseAddress! + y * side
                var x = x0
                while x + 4 <= x1 {
                    c[Int(table[Int(row[x])])] &+= 1
                    c1[Int(table[Int(row[x + 1])])] &+= 1
                    c2[Int(table[Int(row[x + 2])])] &+= 1
                    c3[Int(table[Int(row[x + 3])])] &+= 1
                    x += 4
                }
                for x in x..<x1 { c[Int(table[Int(row[x])])] &+= 1 }
            }
            for k in 0..<bins { out[k] = Float(c[k] &+ c1[k] &+ c2[k] &+ c3[k]) }
        }
        rootNormalize(out, count: bins)
    }

    /// Magnitude-weighted orientation histogram plus the log mean magnitude over a rectangle.
    static func orientations(
        _ grad: (magnitude: [Float], bin: [UInt8]), side: Int, x0: Int, y0: Int, x1: Int, y1: Int
    ) -> [Float] {
        var hist = [Float](repeating: 0, count: TextureMaps.orientationBins + 1)
        grad.magnitude.withUnsafeBufferPointer { m in
            grad.bin.withUnsafeBufferPointer { b in
                hist.withUnsafeMutableBufferPointer {
                    orientations(m, b, side: side, x0: x0, y0: y0, x1: x1, y1: y1, into: $0.baseAddress!)
                }
            }
        }
        return hist
    }

    /// ``orientations(_:side:x0:y0:x1:y1:)`` written to `out[0...orientationBins]`.
    static func orientations(
        _ magnitude: UnsafeBufferPointer<Float>, _ bin: UnsafeBufferPointer<UInt8>, side: Int,
        x0: Int, y0: Int, x1: Int, y1: Int, into out: UnsafeMutablePointer<Float>
    ) {
        let bins = TextureMaps.orientationBins
        for k in 0..<bins { out[k] = 0 }
        var total: Float = 0
        for y in y0..<y1 {
            for x in x0..<x1 {
                let i = y * side + x
                out[Int(bin[i])] += magnitude[i]
                total += magnitude[i]
            }
        }
        finishOrientations(out, total: total, pixels: (x1 - x0) * (y1 - y0))
    }

    /// Normalizes an orientation histogram summed at `out` and appends the log mean magnitude.
    static func finishOrientations(_ out: UnsafeMutablePointer<Float>, total: Float, pixels: Int) {
        rootNormalize(out, count: TextureMaps.orientationBins)
        out[TextureMaps.orientationBins] = logf(1 + total / Float(max(pixels, 1)))
    }

    /// Mean and standard deviation of a plane over a rectangle.
    static func moments(_ plane: [Float], side: Int, x0: Int, y0: Int, x1: Int, y1: Int) -> (mean: Float, std: Float) {
        plane.withUnsafeBufferPointer { moments($0, side: side, x0: x0, y0: y0, x1: x1, y1: y1) }
    }

    static func moments(
        _ plane: UnsafeBufferPointer<Float>, side: Int, x0: Int, y0: Int, x1: Int, y1: Int
    ) -> (mean: Float, std: Float) {
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

    /// ``moments(_:side:x0:y0:x1:y1:)`` of four planes at once, one per lane (each lane's sums are the same
    /// operations in the same order as the one-plane form).
    static func moments(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, _ c: UnsafeBufferPointer<Float>,
        _ d: UnsafeBufferPointer<Float>, side: Int, x0: Int, y0: Int, x1: Int, y1: Int
    ) -> (mean: SIMD4<Float>, std: SIMD4<Float>) {
        var sum = SIMD4<Float>.zero
        var sq = SIMD4<Float>.zero
        for y in y0..<y1 {
            for x in x0..<x1 {
                let i = y * side + x
                let v = SIMD4(a[i], b[i], c[i], d[i])
                sum += v
                sq += v * v
            }
        }
        return moments(sum: sum, squares: sq, count: (x1 - x0) * (y1 - y0))
    }

    /// Mean and deviation per lane from the sums and sums of squares of `count` values.
    static func moments(
        sum: SIMD4<Float>, squares sq: SIMD4<Float>, count: Int
    ) -> (mean: SIMD4<Float>, std: SIMD4<Float>) {
        let n = SIMD4(repeating: Float(max(count, 1)))
        let mean = sum / n
        let variance = sq / n - mean * mean
        return (mean, variance.replacing(with: 0, where: variance .<= 0).squareRoot())
    }

    static func rootNormalized(_ hist: [Float]) -> [Float] {
        var out = hist
        out.withUnsafeMutableBufferPointer { rootNormalize($0.baseAddress!, count: $0.count) }
        return out
    }

    /// Divides `count` values by their sum (added in order) and takes square roots; leaves all-zero values alone.
    static func rootNormalize(_ hist: UnsafeMutablePointer<Float>, count: Int) {
        var total: Float = 0
        for k in 0..<count { total += hist[k] }
        guard total > 0 else { return }
        for k in 0..<count { hist[k] = (hist[k] / total).squareRoot() }
    }
}
