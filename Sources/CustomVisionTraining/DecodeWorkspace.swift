import CustomVisionCore
import Foundation

/// What ``BoxDecoder`` needs to find one class's candidates besides the probabilities: the upsampled map, its
/// summed-area table, the grid's per-cell tables, a ``ComponentLabeler`` and the candidates found, kept between
/// calls so a worker decoding image after image allocates nothing per component or candidate.
///
/// Taken from ``pool`` for one call at a time.
final class DecodeWorkspace: @unchecked Sendable {
    static let pool = WorkspacePool { DecodeWorkspace() }

    /// The upsampled grid the buffers are sized for.
    private(set) var grid = 0
    private var labeler = ComponentLabeler(grid: 0)
    /// The upsampled map (`grid²`), its summed-area table (`(grid + 1)²`), and the column and row profiles of a
    /// component (`2 * grid`).
    private var map = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
    private var integral = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
    private var profiles = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
    /// Column and row of every cell, then `(x, y, -x, -y)` of every cell (see ``BoxDecoder/MapContext/Cells``).
    private var coordinates = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 0)
    private var corners = UnsafeMutableBufferPointer<SIMD4<Int16>>.allocate(capacity: 0)
    /// The run (part) of each column or row, or -1 (two cuts' worth), and each run's statistics.
    private var runOf = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 0)
    private var runs = UnsafeMutableBufferPointer<BoxDecoder.CellStats>.allocate(capacity: 0)
    /// The last ``generate(_:grid:classes:tag:)`` call's candidates: their predictions and feature rows.
    private(set) var predictions: [ModelPrediction] = []
    private var featureRows = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
    private var columns = 0

    deinit {
        for buffer in [map, integral, profiles, featureRows] { buffer.deallocate() }
        coordinates.deallocate()
        corners.deallocate()
        runOf.deallocate()
        runs.deallocate()
    }

    /// The feature rows of ``predictions``, end to end (``BoxDecoder/featureCount(classes:)`` each).
    var features: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(rebasing: featureRows[..<(predictions.count * columns)])
    }

    /// Sizes the buffers for an upsampled `grid`, keeping them when it is the last call's.
    private func prepare(grid: Int) {
        guard grid != self.grid else { return }
        self.grid = grid
        labeler = ComponentLabeler(grid: grid)
        for buffer in [map, integral, profiles] { buffer.deallocate() }
        (map, integral) = (.allocate(capacity: grid * grid), .allocate(capacity: (grid + 1) * (grid + 1)))
        profiles = .allocate(capacity: 2 * grid)
        integral.initialize(repeating: 0)
        coordinates.deallocate()
        corners.deallocate()
        coordinates = .allocate(capacity: 2 * grid * grid)
        corners = .allocate(capacity: grid * grid)
        for y in 0..<grid {
            for x in 0..<grid {
                (coordinates[y * grid + x], coordinates[grid * grid + y * grid + x]) = (Int32(x), Int32(y))
                corners[y * grid + x] = SIMD4(Int16(x), Int16(y), -Int16(x), -Int16(y))
            }
        }
        runOf.deallocate()
        runs.deallocate()
        runOf = .allocate(capacity: 2 * grid)
        runs = .allocate(capacity: grid)
    }

    /// Finds class `tag`'s candidates in ``predictions`` and ``features``, as the decoder's reference pieces
    /// (``BoxDecoder/candidate(_:_:threshold:weight:)``, ``BoxDecoder/split(_:_:fractions:)``) would: the same cells
    /// summed in the same order, so the same bits.
    func generate(_ probabilities: UnsafeBufferPointer<Float>, grid cells: Int, classes: Int, tag: Int) {
        let grid = cells * BoxDecoder.upsample
        prepare(grid: grid)
        predictions.removeAll(keepingCapacity: true)
        columns = BoxDecoder.featureCount(classes: classes)
        BoxDecoder.upsample(probabilities, stride: classes + 1, offset: tag, grid: cells, into: map.baseAddress!)
        BoxDecoder.summedArea(map.baseAddress!, grid: grid, into: integral.baseAddress!)
        var peak = map[0]
        for v in map[1...] where peak < v { peak = v }
        let view = BoxDecoder.MapView(map: map.baseAddress!, integral: integral.baseAddress!, grid: grid, tag: tag,
                                      classes: classes, peak: peak)
        labeler.load(UnsafeBufferPointer(map))
        for t in BoxDecoder.thresholds where t <= peak {
            labeler.label(threshold: t)
            labeler.members.withUnsafeBufferPointer { members in
                let count = labeler.count
                // The union of all components (NEU-DET boxes often enclose several nearby defects) comes first; its
                // statistics are gathered in the components' passes (the same cells in the same order), so its
                // place is kept and filled after them.
                let union = count >= 2 ? slot() : nil
                var stats = BoxDecoder.CellStats(grid: grid)
                var start = 0
                for k in 0..<count {
                    let end = Int(labeler.ends[k])
                    component(UnsafeBufferPointer(rebasing: members[start..<end]), view, threshold: t,
                              union: &stats, gather: union != nil)
                    start = end
                }
                if let union { fill(union, stats, view, threshold: t, weight: BoxDecoder.splitWeight) }
            }
        }
    }

    /// One component's candidate and those of its parts (``BoxDecoder/split(_:_:fractions:)``). A fraction that
    /// cuts the profile into the same runs as the last cut fraction gives the same parts: their statistics are
    /// reused. When `gather`, the component's cells are also added to `union`, in order.
    private func component(
        _ cells: UnsafeBufferPointer<Int32>, _ view: BoxDecoder.MapView, threshold: Float,
        union: inout BoxDecoder.CellStats, gather: Bool
    ) {
        let grid = view.grid
        let (map, profiles, corners) = (view.map, self.profiles.baseAddress!, UnsafeBufferPointer(self.corners))
        let (columnOf, rowOf) = (coordinates.baseAddress!, coordinates.baseAddress! + grid * grid)
        var whole = BoxDecoder.CellStats(grid: grid)
        profiles.update(repeating: 0, count: 2 * grid)
        var all = union
        for c in cells {
            let cell = Int(c)
            whole.add(cell, view, corners)
            if gather { all.add(cell, view, corners) }
            profiles[Int(columnOf[cell])] += map[cell]
            profiles[grid + Int(rowOf[cell])] += map[cell]
        }
        union = all
        emit(whole, view, threshold: threshold, weight: 1)
        let stats = runs.baseAddress!
        for axis in 0..<2 {
            let profile = UnsafeBufferPointer(start: profiles + axis * grid, count: grid)
            let coordinate = axis == 0 ? columnOf : rowOf
            var top = profile[0]
            for v in profile[1...] where top < v { top = v }
            guard top > 0 else { continue }
            // Two run buffers: the last cut's runs (whose statistics `stats` holds) and the next fraction's.
            var (last, next) = (runOf.baseAddress! + grid, runOf.baseAddress!)
            var lastCount = 0
            for f in BoxDecoder.splitFractions {
                let count = BoxDecoder.runs(profile, fraction: f, top: top, into: next)
                guard count >= 2 else { continue }
                if count != lastCount || !(0..<grid).allSatisfy({ last[$0] == next[$0] }) {
                    for r in 0..<count { stats[r] = BoxDecoder.CellStats(grid: grid) }
                    // The current run's statistics stay in registers while the cells stay in it (neighbouring
                    // cells mostly share a run).
                    var (run, part) = (-1, BoxDecoder.CellStats(grid: grid))
                    for c in cells {
                        let r = Int(next[Int(coordinate[Int(c)])])
                        if r != run {
                            if run >= 0 { stats[run] = part }
                            run = r
                            if r >= 0 { part = stats[r] }
                        }
                        if r >= 0 { part.add(Int(c), view, corners) }
                    }
                    if run >= 0 { stats[run] = part }
                    (last, next, lastCount) = (next, last, count)
                }
                for r in 0..<count where stats[r].count > 0 {
                    emit(stats[r], view, threshold: threshold, weight: BoxDecoder.splitWeight)
                }
            }
        }
    }

    /// Appends a candidate and its feature row.
    private func emit(_ stats: BoxDecoder.CellStats, _ view: BoxDecoder.MapView, threshold: Float, weight: Float) {
        fill(slot(), stats, view, threshold: threshold, weight: weight)
    }

    /// Appends a placeholder candidate (and room for its feature row) to be filled; returns its index.
    private func slot() -> Int {
        if (predictions.count + 1) * columns > featureRows.count {
            let grown = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(2 * featureRows.count, 64 * columns))
            _ = grown.initialize(from: featureRows)
            featureRows.deallocate()
            featureRows = grown
        }
        predictions.append(ModelPrediction(tag: -1, probability: 0))
        return predictions.count - 1
    }

    /// Scores candidate `index` and writes its feature row.
    private func fill(
        _ index: Int, _ stats: BoxDecoder.CellStats, _ view: BoxDecoder.MapView, threshold: Float, weight: Float
    ) {
        predictions[index] = BoxDecoder.score(stats, view, threshold: threshold, weight: weight,
                                              features: featureRows.baseAddress! + index * columns)
    }
}
