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
        let maps = Maps(planes)
        let local = localFeatures(planes, maps)
        let global = globalFeatures(planes, maps)
        let sources = [local] + contextRadii.map { boxAverage(local, radius: $0) }
        var out = [Float](repeating: 0, count: grid * grid * count)
        out.withUnsafeMutableBufferPointer { out in
            for c in 0..<(grid * grid) {
                var o = out.baseAddress! + c * count
                for source in sources {
                    source.withUnsafeBufferPointer {
                        o.update(from: $0.baseAddress! + c * localCount, count: localCount)
                    }
                    o += localCount
                }
                global.withUnsafeBufferPointer { o.update(from: $0.baseAddress!, count: globalCount) }
                o += globalCount
                let x = (Float(c % grid) + 0.5) / Float(grid) - 0.5
                let y = (Float(c / grid) + 0.5) / Float(grid) - 0.5
                o[0] = x
                o[1] = y
                o[2] = (x * x + y * y).squareRoot()
            }
        }
        return out
    }

    /// The per-pixel maps both the cell and the whole-image features read, computed once.
    private struct Maps {
        var lbp1: [UInt8]
        var lbp2: [UInt8]
        var lbpHalf: [UInt8]
        var grad: (magnitude: [Float], bin: [UInt8])
        /// Mean and deviation of the whole gray plane.
        var gray: (mean: Float, std: Float)

        init(_ planes: Planes) {
            let s = planes.side
            lbp1 = TextureMaps.lbp(planes.gray, side: s, radius: 1)
            lbp2 = TextureMaps.lbp(planes.gray, side: s, radius: 2)
            lbpHalf = TextureMaps.lbp(downsample2x(planes.gray, side: s), side: s / 2, radius: 1)
            grad = TextureMaps.gradients(planes.gray, side: s)
            gray = Histograms.moments(planes.gray, side: s, x0: 0, y0: 0, x1: s, y1: s)
        }
    }

    private static func localFeatures(_ planes: Planes, _ maps: Maps) -> [Float] {
        let s = planes.side
        let g = maps.gray
        let gstd = max(g.std, 1)
        let cell = s / grid
        let bins = TextureMaps.rotationLabels
        var out = [Float](repeating: 0, count: grid * grid * localCount)
        let floats = [planes.gray, planes.red, planes.green, planes.blue, maps.grad.magnitude]
        let bytes = [maps.lbp1, maps.lbp2, maps.lbpHalf, maps.grad.bin, TextureMaps.rotationTable]
        withBuffers(floats[...]) { f in
            withBuffers(bytes[...]) { b in
                out.withUnsafeMutableBufferPointer { out in
                    for cy in 0..<grid {
                        for cx in 0..<grid {
                            let o = out.baseAddress! + (cy * grid + cx) * localCount
                            let (x0, y0, x1, y1) = (cx * cell, cy * cell, cx * cell + cell, cy * cell + cell)
                            for (k, (map, side)) in [(b[0], s), (b[1], s), (b[2], s / 2)].enumerated() {
                                let d = side == s ? 1 : 2
                                Histograms.labels(map, table: b[4], bins: bins, side: side,
                                                  x0: x0 / d, y0: y0 / d, x1: x1 / d, y1: y1 / d, into: o + k * bins)
                            }
                            Histograms.orientations(f[4], b[3], side: s, x0: x0, y0: y0, x1: x1, y1: y1,
                                                    into: o + 3 * bins)
                            // Lanes: gray, red, green, blue.
                            let m = Histograms.moments(f[0], f[1], f[2], f[3], side: s, x0: x0, y0: y0, x1: x1,
                                                       y1: y1)
                            let v = o + 3 * bins + TextureMaps.orientationBins + 1
                            (v[0], v[1], v[2], v[3]) = ((m.mean[0] - g.mean) / gstd, m.std[0] / gstd,
                                                        m.mean[0] / 255, m.std[0] / 64)
                            (v[4], v[5], v[6]) = (m.mean[1] / 255, m.mean[2] / 255, m.mean[3] / 255)
                        }
                    }
                }
            }
        }
        return out
    }

    private static func globalFeatures(_ planes: Planes, _ maps: Maps) -> [Float] {
        let s = planes.side
        let table = TextureMaps.rotationTable
        let bins = TextureMaps.rotationLabels
        var out = Histograms.labels(maps.lbp1, table: table, bins: bins, side: s, x0: 1, y0: 1, x1: s - 1, y1: s - 1)
        out += Histograms.labels(maps.lbpHalf, table: table, bins: bins,
                                 side: s / 2, x0: 1, y0: 1, x1: s / 2 - 1, y1: s / 2 - 1)
        out += Histograms.orientations(maps.grad, side: s, x0: 1, y0: 1, x1: s - 1, y1: s - 1)
        let g = maps.gray
        return out + [g.mean / 255, g.std / 64]
    }

    /// Mean of each cell's features over the (2·radius+1)² neighbourhood, clipped at the grid's edges (summed in
    /// row-major neighbour order).
    private static func boxAverage(_ local: [Float], radius: Int) -> [Float] {
        var out = [Float](repeating: 0, count: local.count)
        local.withUnsafeBufferPointer { local in
            out.withUnsafeMutableBufferPointer { out in
                for cy in 0..<grid {
                    for cx in 0..<grid {
                        var n: Float = 0
                        let o = out.baseAddress! + (cy * grid + cx) * localCount
                        for ny in max(cy - radius, 0)...min(cy + radius, grid - 1) {
                            for nx in max(cx - radius, 0)...min(cx + radius, grid - 1) {
                                let i = local.baseAddress! + (ny * grid + nx) * localCount
                                for k in 0..<localCount { o[k] += i[k] }
                                n += 1
                            }
                        }
                        for k in 0..<localCount { o[k] /= n }
                    }
                }
            }
        }
        return out
    }
}

/// Runs `body` with buffer pointers to every array of `arrays`, in order.
func withBuffers<T, R>(
    _ arrays: ArraySlice<[T]>, _ done: [UnsafeBufferPointer<T>] = [], _ body: ([UnsafeBufferPointer<T>]) -> R
) -> R {
    guard let first = arrays.first else { return body(done) }
    return first.withUnsafeBufferPointer { withBuffers(arrays.dropFirst(), done + [$0], body) }
}
