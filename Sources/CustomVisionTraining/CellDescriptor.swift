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
    /// Floats per cell of the local features in a workspace: ``localCount`` padded with zeros to whole SIMD8s.
    static let localStride = (localCount + 7) / 8 * 8

    /// `grid * grid` rows of `count` features, cell-major (row by row).
    static func features(_ planes: Planes) -> [Float] {
        CellWorkspace.pool.with { workspace in
            [Float](unsafeUninitializedCapacity: grid * grid * count) { out, n in
                planes.withPointers { features($0, side: planes.side, workspace, into: out.baseAddress!) }
                n = out.count
            }
        }
    }

    /// ``features(_:)`` of planes in a caller's buffers, written to `out` (`grid * grid * count` values).
    static func features(
        _ planes: PlanePointers, side s: Int, _ ws: CellWorkspace, into out: UnsafeMutablePointer<Float>
    ) {
        let maps = ws.maps(side: s)
        TextureMaps.lbp(planes.gray, side: s, radius: 1, into: maps.lbp1)
        TextureMaps.lbp(planes.gray, side: s, radius: 2, into: maps.lbp2)
        downsample2x(planes.gray, side: s, into: maps.half)
        TextureMaps.lbp(maps.half, side: s / 2, radius: 1, into: maps.lbpHalf)
        TextureMaps.gradients(planes.gray, side: s, magnitude: maps.magnitude, bin: maps.bin)
        let gray = Histograms.moments(UnsafeBufferPointer(start: planes.gray, count: s * s), side: s,
                                      x0: 0, y0: 0, x1: s, y1: s)
        localFeatures(planes, maps, side: s, gray: gray, into: ws.local)
        globalFeatures(maps, side: s, gray: gray, into: ws.global)
        for c in 0..<(grid * grid) {
            var o = out + c * count
            o.update(from: ws.local + c * localStride, count: localCount)
            o += localCount
            // Each average writes whole SIMD8s: its padding lanes spill into the next block, written after it.
            for radius in contextRadii {
                boxAverage(ws.local, cell: c, radius: radius, into: o)
                o += localCount
            }
            o.update(from: ws.global, count: globalCount)
            o += globalCount
            let x = (Float(c % grid) + 0.5) / Float(grid) - 0.5
            let y = (Float(c / grid) + 0.5) / Float(grid) - 0.5
            o[0] = x
            o[1] = y
            o[2] = (x * x + y * y).squareRoot()
        }
    }

    /// The per-pixel maps both the cell and the whole-image features read, in a workspace.
    struct Maps {
        var lbp1: UnsafeMutablePointer<UInt8>
        var lbp2: UnsafeMutablePointer<UInt8>
        var lbpHalf: UnsafeMutablePointer<UInt8>
        var magnitude: UnsafeMutablePointer<Float>
        var bin: UnsafeMutablePointer<UInt8>
        /// The gray plane at half size.
        var half: UnsafeMutablePointer<Float>
    }

    /// Each cell's features at `out + cell * localStride`.
    private static func localFeatures(
        _ planes: PlanePointers, _ maps: Maps, side s: Int, gray g: (mean: Float, std: Float),
        into out: UnsafeMutablePointer<Float>
    ) {
        let gstd = max(g.std, 1)
        let cell = s / grid
        let bins = TextureMaps.rotationLabels
        let n = s * s
        let lbp1 = UnsafeBufferPointer(start: maps.lbp1, count: n)
        let lbp2 = UnsafeBufferPointer(start: maps.lbp2, count: n)
        let lbpHalf = UnsafeBufferPointer(start: maps.lbpHalf, count: (s / 2) * (s / 2))
        let magnitude = UnsafeBufferPointer(start: maps.magnitude, count: n)
        let bin = UnsafeBufferPointer(start: maps.bin, count: n)
        let (gray, red) = (UnsafeBufferPointer(start: planes.gray, count: n),
                           UnsafeBufferPointer(start: planes.red, count: n))
        let (green, blue) = (UnsafeBufferPointer(start: planes.green, count: n),
                             UnsafeBufferPointer(start: planes.blue, count: n))
        // One pass over a cell's pixels gathers its two full-size label histograms (integer counts: exact, so the
        // floats of adding 1 per pixel), its orientation sums and its moments: independent sums, each added in the
        // pixels' order as ``Histograms`` adds them.
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * bins)
        defer { counts.deallocate() }
        TextureMaps.rotationTable.withUnsafeBufferPointer { table in
            for cy in 0..<grid {
                for cx in 0..<grid {
                    let o = out + (cy * grid + cx) * localStride
                    let (x0, y0, x1, y1) = (cx * cell, cy * cell, cx * cell + cell, cy * cell + cell)
                    counts.initialize(repeating: 0, count: 2 * bins)
                    let hist = o + 3 * bins
                    hist.initialize(repeating: 0, count: TextureMaps.orientationBins)
                    var total: Float = 0
                    var (sum, squares) = (SIMD4<Float>.zero, SIMD4<Float>.zero)
                    for y in y0..<y1 {
                        for x in x0..<x1 {
                            let i = y * s + x
                            counts[Int(table[Int(lbp1[i])])] &+= 1
                            counts[bins + Int(table[Int(lbp2[i])])] &+= 1
                            hist[Int(bin[i])] += magnitude[i]
                            total += magnitude[i]
                            // Lanes: gray, red, green, blue.
                            let v = SIMD4(gray[i], red[i], green[i], blue[i])
                            sum += v
                            squares += v * v
                        }
                    }
                    for k in 0..<(2 * bins) { o[k] = Float(counts[k]) }
                    Histograms.rootNormalize(o, count: bins)
                    Histograms.rootNormalize(o + bins, count: bins)
                    Histograms.labels(lbpHalf, table: table, bins: bins, side: s / 2, x0: x0 / 2, y0: y0 / 2,
                                      x1: x1 / 2, y1: y1 / 2, into: o + 2 * bins)
                    Histograms.finishOrientations(hist, total: total, pixels: cell * cell)
                    let m = Histograms.moments(sum: sum, squares: squares, count: cell * cell)
                    let v = o + 3 * bins + TextureMaps.orientationBins + 1
                    (v[0], v[1], v[2], v[3]) = ((m.mean[0] - g.mean) / gstd, m.std[0] / gstd,
                                                m.mean[0] / 255, m.std[0] / 64)
                    (v[4], v[5], v[6]) = (m.mean[1] / 255, m.mean[2] / 255, m.mean[3] / 255)
                }
            }
        }
    }

    /// The whole-image features, ``globalCount`` values at `out`.
    private static func globalFeatures(
        _ maps: Maps, side s: Int, gray g: (mean: Float, std: Float), into out: UnsafeMutablePointer<Float>
    ) {
        let bins = TextureMaps.rotationLabels
        TextureMaps.rotationTable.withUnsafeBufferPointer { table in
            Histograms.labels(UnsafeBufferPointer(start: maps.lbp1, count: s * s), table: table, bins: bins, side: s,
                              x0: 1, y0: 1, x1: s - 1, y1: s - 1, into: out)
            Histograms.labels(UnsafeBufferPointer(start: maps.lbpHalf, count: (s / 2) * (s / 2)), table: table,
                              bins: bins, side: s / 2, x0: 1, y0: 1, x1: s / 2 - 1, y1: s / 2 - 1, into: out + bins)
        }
        Histograms.orientations(UnsafeBufferPointer(start: maps.magnitude, count: s * s),
                                UnsafeBufferPointer(start: maps.bin, count: s * s), side: s,
                                x0: 1, y0: 1, x1: s - 1, y1: s - 1, into: out + 2 * bins)
        let o = out + 2 * bins + TextureMaps.orientationBins + 1
        (o[0], o[1]) = (g.mean / 255, g.std / 64)
    }

    /// Mean of a cell's local features over the (2·radius+1)² neighbourhood, clipped at the grid's edges (summed in
    /// row-major neighbour order, eight features at a time), written as ``localStride`` values to `out`.
    private static func boxAverage(_ local: UnsafePointer<Float>, cell c: Int, radius: Int,
                                   into out: UnsafeMutablePointer<Float>) {
        let (cy, cx) = (c / grid, c % grid)
        let ys = max(cy - radius, 0)...min(cy + radius, grid - 1)
        let xs = max(cx - radius, 0)...min(cx + radius, grid - 1)
        let n = SIMD8(repeating: Float(ys.count * xs.count))
        @inline(__always) func load(_ ny: Int, _ nx: Int, _ chunk: Int) -> SIMD8<Float> {
            UnsafeRawPointer(local + (ny * grid + nx) * localStride + chunk * 8).loadUnaligned(as: SIMD8<Float>.self)
        }
        @inline(__always) func store(_ sum: SIMD8<Float>, _ chunk: Int) {
            UnsafeMutableRawPointer(out + chunk * 8).storeBytes(of: sum / n, as: SIMD8<Float>.self)
        }
        // Three chunks per pass over the neighbours: independent sums, so the adds' latency overlaps.
        var chunk = 0
        while chunk + 3 <= localStride / 8 {
            var (a, b, c) = (SIMD8<Float>.zero, SIMD8<Float>.zero, SIMD8<Float>.zero)
            for ny in ys {
                for nx in xs {
                    a += load(ny, nx, chunk)
                    b += load(ny, nx, chunk + 1)
                    c += load(ny, nx, chunk + 2)
                }
            }
            store(a, chunk)
            store(b, chunk + 1)
            store(c, chunk + 2)
            chunk += 3
        }
        for chunk in chunk..<(localStride / 8) {
            var sum = SIMD8<Float>.zero
            for ny in ys {
                for nx in xs { sum += load(ny, nx, chunk) }
            }
            store(sum, chunk)
        }
    }
}
