/// The 8-connected components of a square map's cells at or above a threshold, for one map at many thresholds.
///
/// Components come in the order of their first cell (row-major), and each component's cells in depth-first order
/// from that cell, neighbours pushed row by row: the order the decoder's scores are summed in. The map is kept with
/// a border of `-infinity` cells, so neighbours need no bounds checks, and a cell's visit is marked with the
/// threshold's stamp, so no marks are cleared between thresholds.
struct ComponentLabeler {
    let grid: Int
    /// The map with a one-cell border, `(grid + 2)²` values.
    private var padded: [Float]
    /// The stamp of the last `components(threshold:)` call that reached each padded cell.
    private var seen: [Int32]
    private var stamp: Int32 = 0
    private var stack: [Int32]
    /// The unpadded index of every padded cell.
    private var cellOf: [Int32]
    /// The largest value of each padded row: rows below the threshold hold no component's first cell.
    private var rowPeak: [Float]

    init(map: [Float], grid: Int) {
        precondition(map.count == grid * grid, "map: \(map.count) values for a \(grid)² grid")
        self.grid = grid
        let w = grid + 2
        padded = [Float](repeating: -.infinity, count: w * w)
        for y in 0..<grid {
            for x in 0..<grid { padded[(y + 1) * w + x + 1] = map[y * grid + x] }
        }
        seen = [Int32](repeating: 0, count: w * w)
        rowPeak = (0..<w).map { y in
            y == 0 || y == w - 1 ? -.infinity : map[((y - 1) * grid)..<(y * grid)].max() ?? -.infinity
        }
        cellOf = [Int32](repeating: -1, count: w * w)
        for y in 0..<grid {
            for x in 0..<grid { cellOf[(y + 1) * w + x + 1] = Int32(y * grid + x) }
        }
        stack = [Int32](repeating: 0, count: w * w)
    }

    /// Components as lists of cell indices (`y * grid + x`).
    mutating func components(threshold: Float) -> [[Int]] {
        stamp += 1
        let (w, grid, mark) = (grid + 2, grid, stamp)
        var result: [[Int]] = []
        padded.withUnsafeBufferPointer { map in
            seen.withUnsafeMutableBufferPointer { seen in
                cellOf.withUnsafeBufferPointer { cellOf in
                    // Every cell is pushed at most once per call, so the stack never outgrows the padded map.
                    stack.withUnsafeMutableBufferPointer { stack in
                        var top = 0
                        for y in 1...grid where rowPeak[y] >= threshold {
                            for x in 1...grid {
                                let start = y * w + x
                                guard map[start] >= threshold, seen[start] != mark else { continue }
                                seen[start] = mark
                                stack[0] = Int32(start)
                                top = 1
                                var members: [Int] = []
                                while top > 0 {
                                    top -= 1
                                    let cell = Int(stack[top])
                                    members.append(Int(cellOf[cell]))
                                    for n in [cell - w - 1, cell - w, cell - w + 1, cell - 1, cell + 1,
                                              cell + w - 1, cell + w, cell + w + 1]
                                    where seen[n] != mark && map[n] >= threshold {
                                        seen[n] = mark
                                        stack[top] = Int32(n)
                                        top += 1
                                    }
                                }
                                result.append(members)
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
