import CustomVisionCore
import Foundation

/// Turns per-cell class probabilities into scored boxes: each class's probability map is upsampled; for several
/// thresholds, the 8-connected components above the threshold become candidate boxes, scored by their mean
/// probability times a small-size penalty; each component is also cut along its column/row mass profiles into parts
/// (merged blobs of adjacent defects), scored a little lower. A trained ``BoxRescorer`` may re-score the candidates
/// from box-level features; then per-class non-maximum suppression. (A per-cell box-regression head was tried and
/// lowered NEU-DET mAP; the upsampled thresholds localize better.)
enum BoxDecoder {
    /// Probability thresholds of the components, 0.05 to 0.95.
    static let thresholds: [Float] = (1...19).map { Float($0) * 0.05 }
    /// Chosen on a 320/80 split of the NEU-DET training images (`cvbench train det3 --validate`): without the
    /// rescorer 0.5 beat 0.4–0.7; with it, mAP@50 0.2 → 56.8%, 0.3 → 60.0%, 0.35 → 60.3%, 0.4 → 59.4%, 0.5 → 58.3%,
    /// 0.6 → 54.2%.
    static let suppression = 0.35
    /// 50 scored the same as 25 on validation.
    static let maxPerClass = 25
    /// Column/row mass fractions at which components are cut into parts (see ``split(_:map:grid:fractions:)``).
    static let splitFractions: [Float] = [0.2, 0.4, 0.6]
    /// A part's score is scaled by this, so it ranks below an equally confident whole component (1.0 scored far
    /// lower on validation: parts displaced the whole blobs).
    static let splitWeight: Float = 0.85
    /// The probability map is upsampled bilinearly by this factor before thresholding, for sub-cell box edges.
    static let upsample = 4
    /// A component of `n` cells has its score multiplied by `1 - exp(-n / sizePrior)`: tiny blobs are mostly noise.
    static let sizePrior: Float = 2

    /// Weight of the rescorer in the geometric mix. Validation 320/80 mAP@50 with a rescorer trained on the held-out
    /// fold only: 0 → 50.2%, 0.2 → 57.8%, 0.5 → 55.4%, 1 → 49.5%; trained on two more out-of-fold folds (the
    /// default) and NMS 0.35: 0.3 → 58.1%, 0.5 → 60.3%, 0.7 → 61.2%, 0.85 → 61.5%, 1 → 61.7%.
    static let rescoreWeight = 0.85

    /// A candidate box before suppression, with the box-level features a ``Network`` rescorer reads.
    struct Candidate {
        var prediction: ModelPrediction
        var features: [Float]
    }

    /// Box-level features per candidate: 19 geometry/probability values plus the class one-hot.
    static func featureCount(classes: Int) -> Int { 19 + classes }

    /// Scored boxes of every class, most probable first.
    ///
    /// - Parameters:
    ///   - probabilities: `grid * grid` rows of `classes + 1` probabilities (the last is background).
    ///   - grid: Cells per side.
    ///   - classes: Tags.
    ///   - rescorer: When present, a candidate's probability is the geometric mix of this network's output on its
    ///     box features (weight ``rescoreWeight``) and its first-stage score.
    static func decode(_ probabilities: [Float], grid cells: Int, classes: Int,
                       rescorer: Network? = nil) -> [ModelPrediction] {
        var out: [ModelPrediction] = []
        probabilities.withUnsafeBufferPointer { probabilities in
            DecodeWorkspace.pool.with { workspace in
                for c in 0..<classes {
                    workspace.generate(probabilities, grid: cells, classes: classes, tag: c)
                    var perClass = workspace.predictions
                    if let rescorer, !perClass.isEmpty {
                        let p = rescorer.probabilities(rows: workspace.features, count: perClass.count)
                        for i in perClass.indices {
                            let first = perClass[i].probability
                            perClass[i].probability = pow(Double(p[i]), rescoreWeight) * pow(first, 1 - rescoreWeight)
                        }
                    }
                    out += suppress(perClass)
                }
            }
        }
        return out.sorted { $0.probability > $1.probability }
    }

    /// Every class's candidates before suppression: the components above each threshold, their parts, and the union
    /// of all of them (validation 320/80 mAP@50 61.5% → 63.5% with the union).
    static func candidates(_ probabilities: [Float], grid cells: Int, classes: Int) -> [[Candidate]] {
        let columns = featureCount(classes: classes)
        return probabilities.withUnsafeBufferPointer { probabilities in
            DecodeWorkspace.pool.with { workspace in
                (0..<classes).map { c in
                    workspace.generate(probabilities, grid: cells, classes: classes, tag: c)
                    let rows = workspace.features
                    return workspace.predictions.enumerated().map { i, prediction in
                        Candidate(prediction: prediction,
                                  features: Array(rows[(i * columns)..<((i + 1) * columns)]))
                    }
                }
            }
        }
    }

    /// One class's upsampled probability map and its summed-area table, as arrays, for the cell-list forms
    /// (``candidate(_:_:threshold:weight:)``, ``split(_:_:fractions:)``); ``DecodeWorkspace`` keeps its own buffers.
    struct MapContext {
        var map: [Float]
        var grid: Int
        var tag: Int
        var classes: Int
        var peak: Float
        var integral: [Float]
        var cells: Cells
        var column: [Int32] { cells.column }
        var row: [Int32] { cells.row }
        var corners: [SIMD4<Int16>] { cells.corners }

        /// Per-cell lookup tables of a grid, shared by every class's context (no division per cell in the hot
        /// loops).
        struct Cells {
            var column: [Int32] = []
            var row: [Int32] = []
            /// `(x, y, -x, -y)` of every cell: a bounding box is one running 16-bit minimum (SSE2, the default
            /// target, has no 64-bit one).
            var corners: [SIMD4<Int16>] = []

            init(grid: Int) {
                for y in 0..<grid {
                    for x in 0..<grid {
                        column.append(Int32(x))
                        row.append(Int32(y))
                        corners.append(SIMD4(Int16(x), Int16(y), -Int16(x), -Int16(y)))
                    }
                }
            }
        }

        init(map: [Float], grid: Int, tag: Int, classes: Int, peak: Float, cells: Cells? = nil) {
            (self.map, self.grid, self.tag, self.classes, self.peak) = (map, grid, tag, classes, peak)
            self.cells = cells ?? Cells(grid: grid)
            var t = [Float](repeating: 0, count: (grid + 1) * (grid + 1))
            map.withUnsafeBufferPointer { map in
                t.withUnsafeMutableBufferPointer { summedArea(map.baseAddress!, grid: grid, into: $0.baseAddress!) }
            }
            integral = t
        }
    }

    /// The summed-area table of a `grid`² map into `table` (`(grid + 1)²` values whose first row and column are
    /// zero).
    static func summedArea(_ map: UnsafePointer<Float>, grid: Int, into table: UnsafeMutablePointer<Float>) {
        let w = grid + 1
        for y in 0..<grid {
            var row: Float = 0
            for x in 0..<grid {
                row += map[y * grid + x]
                table[(y + 1) * w + x + 1] = table[y * w + x + 1] + row
            }
        }
    }

    /// The bounding box of a set of map cells, scored by their mean probability times the small-size penalty and
    /// `weight`, with its box-level features.
    static func candidate(_ cells: [Int], _ m: MapContext, threshold: Float, weight: Float) -> Candidate {
        m.map.withUnsafeBufferPointer { map in
            m.integral.withUnsafeBufferPointer { integral in
                m.corners.withUnsafeBufferPointer { corners in
                    let view = MapView(map: map.baseAddress!, integral: integral.baseAddress!, grid: m.grid,
                                       tag: m.tag, classes: m.classes, peak: m.peak)
                    var stats = CellStats(grid: m.grid)
                    for cell in cells { stats.add(cell, view, corners) }
                    var prediction: ModelPrediction?
                    let features = [Float](unsafeUninitializedCapacity: featureCount(classes: m.classes)) { f, n in
                        prediction = score(stats, view, threshold: threshold, weight: weight, features: f.baseAddress!)
                        n = f.count
                    }
                    return Candidate(prediction: prediction!, features: features)
                }
            }
        }
    }

    /// Parts of a component cut along its column (then row) mass profile: the runs of columns (rows) whose share of
    /// the component's probability mass is at least `fraction` of the densest column's (row's). Only cuts that give
    /// two or more runs are returned (a merged blob of side-by-side defects becomes its defects).
    static func split(_ component: [Int], _ m: MapContext, fractions: [Float]) -> [[Int]] {
        let grid = m.grid
        var parts: [[Int]] = []
        var profile = [Float](repeating: 0, count: grid)
        var run = [Int32](repeating: -1, count: grid)
        for axis in 0..<2 {
            let coordinate = axis == 0 ? m.column : m.row
            for i in 0..<grid { profile[i] = 0 }
            for cell in component { profile[Int(coordinate[cell])] += m.map[cell] }
            let top = profile.max() ?? 0
            guard top > 0 else { continue }
            for f in fractions {
                let runs = profile.withUnsafeBufferPointer { p in
                    run.withUnsafeMutableBufferPointer { Self.runs(p, fraction: f, top: top, into: $0.baseAddress!) }
                }
                guard runs >= 2 else { continue }
                var split = [[Int]](repeating: [], count: runs)
                for cell in component {
                    let r = Int(run[Int(coordinate[cell])])
                    if r >= 0 { split[r].append(cell) }
                }
                parts += split.filter { !$0.isEmpty }
            }
        }
        return parts
    }

    /// Numbers the runs of `profile` entries at or above `fraction * top` (0, 1, …) into `run` (-1 between runs),
    /// and returns how many there are.
    static func runs(_ profile: UnsafeBufferPointer<Float>, fraction: Float, top: Float,
                     into run: UnsafeMutablePointer<Int32>) -> Int {
        var runs: Int32 = 0
        for i in profile.indices {
            if profile[i] >= fraction * top {
                if i == 0 || run[i - 1] < 0 { runs += 1 }
                run[i] = runs - 1
            } else {
                run[i] = -1
            }
        }
        return Int(runs)
    }

    /// Bilinear upsampling of a `grid`² map by ``upsample``, cell centres aligned.
    static func upsampled(_ map: [Float], grid: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: grid * grid * upsample * upsample) { out, n in
            map.withUnsafeBufferPointer { upsample($0, stride: 1, offset: 0, grid: grid, into: out.baseAddress!) }
            n = out.count
        }
    }

    /// ``upsampled(_:grid:)`` of the map `source[i * stride + offset]`, written to `result`.
    static func upsample(_ source: UnsafeBufferPointer<Float>, stride: Int, offset: Int, grid: Int,
                         into result: UnsafeMutablePointer<Float>) {
        let map = source.baseAddress! + offset
        let f = upsample
        guard f > 1 else {
            for i in 0..<(grid * grid) { result[i] = map[i * stride] }
            return
        }
        let out = grid * f
        // Source cells and weight of every output column (and row: the same numbers).
        let taps = (0..<out).map { o -> (Int, Int, Float) in
            let s = (Float(o) + 0.5) / Float(f) - 0.5
            let a = max(min(Int(s.rounded(.down)), grid - 1), 0)
            return (a * stride, min(a + 1, grid - 1) * stride, min(max(s - Float(a), 0), 1))
        }
        // Each source row interpolated along x once (the `top` and `bottom` rows of the output rows that use it),
        // then the output rows from two of them, eight values at a time: the same operations per value.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: grid * out) { rows in
            for a in 0..<grid {
                for ox in 0..<out {
                    let (x0, x1, wx) = taps[ox]
                    rows[a * out + ox] = map[a * stride * grid + x0] * (1 - wx) + map[a * stride * grid + x1] * wx
                }
            }
            for oy in 0..<out {
                let (y0, y1, wy) = taps[oy]
                let (top, bottom) = (rows.baseAddress! + y0 / stride * out, rows.baseAddress! + y1 / stride * out)
                let row = result + oy * out
                var ox = 0
                while ox + 8 <= out {
                    let t = UnsafeRawPointer(top + ox).loadUnaligned(as: SIMD8<Float>.self)
                    let b = UnsafeRawPointer(bottom + ox).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(row + ox).storeBytes(of: t * (1 - wy) + b * wy, as: SIMD8<Float>.self)
                    ox += 8
                }
                for ox in ox..<out { row[ox] = top[ox] * (1 - wy) + bottom[ox] * wy }
            }
        }
    }

    /// The 8-connected components of the cells at or above `threshold` (see ``ComponentLabeler``).
    static func components(_ map: [Float], grid: Int, threshold: Float) -> [[Int]] {
        var labeler = ComponentLabeler(map: map, grid: grid)
        return labeler.components(threshold: threshold)
    }

    /// Greedy non-maximum suppression of one class's boxes.
    static func suppress(_ candidates: [ModelPrediction]) -> [ModelPrediction] {
        var kept: [ModelPrediction] = []
        for c in candidates.sorted(by: { $0.probability > $1.probability }) {
            guard let box = c.box else { continue }
            if kept.contains(where: { ($0.box?.iou(box) ?? 0) > suppression }) { continue }
            kept.append(c)
            if kept.count == maxPerClass { break }
        }
        return kept
    }
}
