/// The 8-connected components of a square map's cells at or above a threshold, for one map at many thresholds.
///
/// Components come in the order of their first cell (row-major), and each component's cells in depth-first order
/// from that cell, neighbours pushed row by row: the order the decoder's scores are summed in. The map is kept with
/// a border of `-infinity` cells, so neighbours need no bounds checks; each call marks its cells at or above the
/// threshold pending and then visited with marks of its own, so no marks are cleared between thresholds.
///
/// Called with rising thresholds (as the decoder does), each call looks only at the cells the previous call found
/// at or above its threshold, kept in row-major order: a cell's component at a higher threshold lies inside its
/// component at a lower one, and the first cell of each component is still met first. One labeler serves map after
/// map of the same grid (``load(_:)``), so a worker allocates its buffers once.
struct ComponentLabeler {
    let grid: Int
    /// The map with a one-cell border, `(grid + 2)²` values.
    private var padded: [Float]
    /// The last mark a `label(threshold:)` call gave each padded cell (pending or visited).
    private var seen: [Int32]
    private var stamp: Int32 = 0
    private var stack: [Int32]
    /// The unpadded index of every padded cell.
    private var cellOf: [Int32]
    /// The padded indices of (at least) every cell at or above `floor`, row-major; the first `activeCount` count.
    private var active: [Int32]
    private var activeCount = 0
    private var floor: Float = -.infinity
    /// The last ``label(threshold:)`` call's components end to end, as unpadded cell indices (`y * grid + x`).
    private(set) var members: [Int32]
    /// Where each of the last call's components ends in ``members``; the first `count` count.
    private(set) var ends: [Int32]
    /// The number of components the last call found.
    private(set) var count = 0

    /// A labeler with no map yet (every cell below any threshold until ``load(_:)``).
    init(grid: Int) {
        self.grid = grid
        let w = grid + 2
        padded = [Float](repeating: -.infinity, count: w * w)
        seen = [Int32](repeating: 0, count: w * w)
        stack = [Int32](repeating: 0, count: w * w)
        cellOf = [Int32](repeating: -1, count: w * w)
        for y in 0..<grid {
            for x in 0..<grid { cellOf[(y + 1) * w + x + 1] = Int32(y * grid + x) }
        }
        active = [Int32](repeating: 0, count: grid * grid)
        members = [Int32](repeating: 0, count: grid * grid)
        ends = [Int32](repeating: 0, count: grid * grid)
    }

    init(map: [Float], grid: Int) {
        precondition(map.count == grid * grid, "map: \(map.count) values for a \(grid)² grid")
        self.init(grid: grid)
        map.withUnsafeBufferPointer { load($0) }
    }

    /// Replaces the map (`grid * grid` values, row-major).
    mutating func load(_ map: UnsafeBufferPointer<Float>) {
        precondition(map.count >= grid * grid, "map: \(map.count) values for a \(grid)² grid")
        let (w, grid) = (grid + 2, grid)
        padded.withUnsafeMutableBufferPointer { padded in
            active.withUnsafeMutableBufferPointer { active in
                for y in 0..<grid {
                    for x in 0..<grid {
                        padded[(y + 1) * w + x + 1] = map[y * grid + x]
                        active[y * grid + x] = Int32((y + 1) * w + x + 1)
                    }
                }
            }
        }
        (activeCount, floor, count) = (grid * grid, -.infinity, 0)
    }

    /// Components as lists of cell indices (`y * grid + x`).
    mutating func components(threshold: Float) -> [[Int]] {
        label(threshold: threshold)
        var start = 0
        return (0..<count).map { k in
            defer { start = Int(ends[k]) }
            return members[start..<Int(ends[k])].map { Int($0) }
        }
    }

    /// Finds the components at `threshold` into ``members``, ``ends`` and ``count``.
    mutating func label(threshold: Float) {
        let (w, pending) = (grid + 2, nextStamp())
        let visited = pending + 1
        if !(threshold >= floor) {
            // A lower threshold than the last one: start again from every cell.
            active.withUnsafeMutableBufferPointer { active in
                for y in 0..<grid {
                    for x in 0..<grid { active[y * grid + x] = Int32((y + 1) * w + x + 1) }
                }
            }
            activeCount = grid * grid
        }
        floor = threshold
        var (found, kept) = (0, 0)
        padded.withUnsafeBufferPointer { map in
            active.withUnsafeMutableBufferPointer { active in
                seen.withUnsafeMutableBufferPointer { seen in
                    // The cells still at or above the threshold, in their row-major order, each marked pending: the
                    // search then tests one mark per neighbour.
                    for i in 0..<activeCount {
                        let cell = Int(active[i])
                        guard map[cell] >= threshold else { continue }
                        active[kept] = Int32(truncatingIfNeeded: cell)
                        seen[cell] = pending
                        kept &+= 1
                    }
                    cellOf.withUnsafeBufferPointer { cellOf in
                        members.withUnsafeMutableBufferPointer { members in
                            ends.withUnsafeMutableBufferPointer { ends in
                                // Every cell is pushed at most once per call, so the stack never outgrows the map.
                                stack.withUnsafeMutableBufferPointer { stack in
                                    var (top, filled) = (0, 0)
                                    for i in 0..<kept {
                                        let start = Int(active[i])
                                        guard seen[start] == pending else { continue }
                                        seen[start] = visited
                                        stack[0] = Int32(truncatingIfNeeded: start)
                                        top = 1
                                        while top > 0 {
                                            top &-= 1
                                            let cell = Int(stack[top])
                                            members[filled] = cellOf[cell]
                                            filled &+= 1
                                            @inline(__always) func visit(_ n: Int) {
                                                guard seen[n] == pending else { return }
                                                seen[n] = visited
                                                stack[top] = Int32(truncatingIfNeeded: n)
                                                top &+= 1
                                            }
                                            visit(cell &- w &- 1)
                                            visit(cell &- w)
                                            visit(cell &- w &+ 1)
                                            visit(cell &- 1)
                                            visit(cell &+ 1)
                                            visit(cell &+ w &- 1)
                                            visit(cell &+ w)
                                            visit(cell &+ w &+ 1)
                                        }
                                        ends[found] = Int32(truncatingIfNeeded: filled)
                                        found &+= 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (count, activeCount) = (found, kept)
    }

    /// A pending mark no cell carries yet (its visited mark is one more).
    private mutating func nextStamp() -> Int32 {
        if stamp >= .max - 2 {
            for i in seen.indices { seen[i] = 0 }
            stamp = 0
        }
        stamp += 2
        return stamp
    }
}
