/// Whole-image features for classification: multi-scale uniform LBP histograms, orientation histograms,
/// intensity histogram and moments, colour moments, and a coarse spatial grid of intensity and edge energy.
enum ImageDescriptor {
    /// The side images are resampled to.
    static let side = 128
    static let grid = 4

    static func features(_ planes: Planes) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(340)
        var gray = planes.gray
        var side = planes.side
        for level in 0..<3 {
            let radii = level == 0 ? [1, 2] : [1]
            for r in radii {
                let codes = TextureMaps.lbp(gray, side: side, radius: r)
                out += Histograms.labels(codes, table: TextureMaps.uniformTable, bins: TextureMaps.uniformLabels,
                                         side: side, x0: r, y0: r, x1: side - r, y1: side - r)
            }
            let grad = TextureMaps.gradients(gray, side: side)
            out += Histograms.orientations(grad, side: side, x0: 1, y0: 1, x1: side - 1, y1: side - 1)
            if level == 0 {
                let cell = side / grid
                for gy in 0..<grid {
                    for gx in 0..<grid {
                        let (x0, y0) = (gx * cell, gy * cell)
                        let m = Histograms.moments(gray, side: side, x0: x0, y0: y0, x1: x0 + cell, y1: y0 + cell)
                        let o = Histograms.orientations(grad, side: side, x0: max(x0, 1), y0: max(y0, 1),
                                                        x1: min(x0 + cell, side - 1), y1: min(y0 + cell, side - 1))
                        out += [m.mean / 255, m.std / 64, o[TextureMaps.orientationBins]]
                    }
                }
            }
            gray = downsample2x(gray, side: side)
            side /= 2
        }
        out += intensity(planes)
        return out
    }

    /// 16-bin gray histogram, gray mean/std/skewness, and colour means and deviations.
    private static func intensity(_ planes: Planes) -> [Float] {
        var hist = [Float](repeating: 0, count: 16)
        for v in planes.gray { hist[min(Int(v / 16), 15)] += 1 }
        let n = Float(planes.gray.count)
        let mean = planes.gray.reduce(0, +) / n
        var m2: Float = 0
        var m3: Float = 0
        for v in planes.gray {
            let d = v - mean
            m2 += d * d
            m3 += d * d * d
        }
        let std = (m2 / n).squareRoot()
        let skew = std > 0 ? (m3 / n) / (std * std * std) : 0
        var out = Histograms.rootNormalized(hist) + [mean / 255, std / 64, skew]
        for plane in [planes.red, planes.green, planes.blue] {
            let m = Histograms.moments(plane, side: planes.side, x0: 0, y0: 0, x1: planes.side, y1: planes.side)
            out += [m.mean / 255, m.std / 64]
        }
        return out
    }
}
