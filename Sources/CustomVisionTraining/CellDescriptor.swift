/// Dense features for detection: the image is resampled to 192×192 and cut into a 24×24 grid of 8-pixel cells.
/// Each cell
/// gets its own texture/intensity features, their averages over 3×3 and 7×7 cell neighbourhoods (context), a few
/// whole-image features, and its position.
enum CellDescriptor {
    static let side = 192
    static let grid = 24
    static let localCount = 3 * TextureMaps.rotationLabels + TextureMaps.orientationBins + 1 + 7
    static let globalCount = 2 * TextureMaps.rotationLabels + TextureMaps.orientationBins + 1 + 2
    /// Features per cell.
    static let count = (1 + contextRadii.count) * localCount + globalCount + 3
    /// Radii (in cells) of the neighbourhoods whose mean features give each cell its context.
    static let contextRadii = [1, 3]

    /// `grid * grid` rows of `count` features, cell-major (row by row).
    static func features(_ planes: Planes) -> [Float] {
        let local = localFeatures(planes)
        let global = globalFeatures(planes)
        let context = contextRadii.map { boxAverage(local, radius: $0) }
        var out = [Float](repeating: 0, count: grid * grid * count)
        for c in 0..<(grid * grid) {
            var o = c * count
            for source in [local] + context {
                for k in 0..<localCount {
                    out[o] = source[c * localCount + k]
                    o += 1
                }
            }
            for v in global {
                out[o] = v
                o += 1
            }
            let x = (Float(c % grid) + 0.5) / Float(grid) - 0.5
            let y = (Float(c / grid) + 0.5) / Float(grid) - 0.5
            out[o] = x
            out[o + 1] = y
            out[o + 2] = (x * x + y * y).squareRoot()
        }
        return out
    }

    private static func localFeatures(_ planes: Planes) -> [Float] {
        let s = planes.side
        let half = downsample2x(planes.gray, side: s)
        let lbp1 = TextureMaps.lbp(planes.gray, side: s, radius: 1)
        let lbp2 = TextureMaps.lbp(planes.gray, side: s, radius: 2)
        let lbpHalf = TextureMaps.lbp(half, side: s / 2, radius: 1)
        let grad = TextureMaps.gradients(planes.gray, side: s)
        let g = Histograms.moments(planes.gray, side: s, x0: 0, y0: 0, x1: s, y1: s)
        let cell = s / grid
        var out: [Float] = []
        out.reserveCapacity(grid * grid * localCount)
        let table = TextureMaps.rotationTable
        let bins = TextureMaps.rotationLabels
        for cy in 0..<grid {
            for cx in 0..<grid {
                let (x0, y0, x1, y1) = (cx * cell, cy * cell, cx * cell + cell, cy * cell + cell)
                out += Histograms.labels(lbp1, table: table, bins: bins, side: s, x0: x0, y0: y0, x1: x1, y1: y1)
                out += Histograms.labels(lbp2, table: table, bins: bins, side: s, x0: x0, y0: y0, x1: x1, y1: y1)
                out += Histograms.labels(lbpHalf, table: table, bins: bins, side: s / 2,
                                         x0: x0 / 2, y0: y0 / 2, x1: x1 / 2, y1: y1 / 2)
                out += Histograms.orientations(grad, side: s, x0: x0, y0: y0, x1: x1, y1: y1)
                let m = Histograms.moments(planes.gray, side: s, x0: x0, y0: y0, x1: x1, y1: y1)
                let r = Histograms.moments(planes.red, side: s, x0: x0, y0: y0, x1: x1, y1: y1)
                let gr = Histograms.moments(planes.green, side: s, x0: x0, y0: y0, x1: x1, y1: y1)
                let b = Histograms.moments(planes.blue, side: s, x0: x0, y0: y0, x1: x1, y1: y1)
                let gstd = max(g.std, 1)
                out += [(m.mean - g.mean) / gstd, m.std / gstd, m.mean / 255, m.std / 64,
                        r.mean / 255, gr.mean / 255, b.mean / 255]
            }
        }
        return out
    }

    private static func globalFeatures(_ planes: Planes) -> [Float] {
        let s = planes.side
        let half = downsample2x(planes.gray, side: s)
        let table = TextureMaps.rotationTable
        let bins = TextureMaps.rotationLabels
        var out = Histograms.labels(TextureMaps.lbp(planes.gray, side: s, radius: 1), table: table, bins: bins,
                                    side: s, x0: 1, y0: 1, x1: s - 1, y1: s - 1)
        out += Histograms.labels(TextureMaps.lbp(half, side: s / 2, radius: 1), table: table, bins: bins,
                                 side: s / 2, x0: 1, y0: 1, x1: s / 2 - 1, y1: s / 2 - 1)
        out += Histograms.orientations(TextureMaps.gradients(planes.gray, side: s), side: s,
                                       x0: 1, y0: 1, x1: s - 1, y1: s - 1)
        let g = Histograms.moments(planes.gray, side: s, x0: 0, y0: 0, x1: s, y1: s)
        return out + [g.mean / 255, g.std / 64]
    }

    /// Mean of each cell's features over the (2·radius+1)² neighbourhood, clipped at the grid's edges.
    private static func boxAverage(_ local: [Float], radius: Int) -> [Float] {
        var out = [Float](repeating: 0, count: local.count)
        for cy in 0..<grid {
            for cx in 0..<grid {
                var n: Float = 0
                let o = (cy * grid + cx) * localCount
                for ny in max(cy - radius, 0)...min(cy + radius, grid - 1) {
                    for nx in max(cx - radius, 0)...min(cx + radius, grid - 1) {
                        let i = (ny * grid + nx) * localCount
                        for k in 0..<localCount { out[o + k] += local[i + k] }
                        n += 1
                    }
                }
                for k in 0..<localCount { out[o + k] /= n }
            }
        }
        return out
    }
}
