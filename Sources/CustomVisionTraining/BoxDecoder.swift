import CustomVisionCore

/// Turns per-cell class probabilities into scored boxes: for each class and several thresholds, the 8-connected
/// components of cells above the threshold become boxes (cell extents), scored by their mean probability; then
/// per-class non-maximum suppression. (A per-cell box regression head was tried and lowered NEU-DET mAP.)
enum BoxDecoder {
    static let thresholds: [Float] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    static let suppression = 0.6
    static let maxPerClass = 25

    /// - Parameters:
    ///   - probabilities: `grid * grid` rows of `classes + 1` probabilities (the last is background).
    ///   - grid: Cells per side.
    ///   - classes: Tags.
    static func decode(_ probabilities: [Float], grid: Int, classes: Int) -> [ModelPrediction] {
        let stride = classes + 1
        var out: [ModelPrediction] = []
        for c in 0..<classes {
            let map = (0..<(grid * grid)).map { probabilities[$0 * stride + c] }
            var candidates: [ModelPrediction] = []
            for t in thresholds {
                for component in components(map, grid: grid, threshold: t) {
                    var (x0, y0, x1, y1) = (grid, grid, -1, -1)
                    var sum: Float = 0
                    for cell in component {
                        let (x, y) = (cell % grid, cell / grid)
                        (x0, y0, x1, y1) = (min(x0, x), min(y0, y), max(x1, x), max(y1, y))
                        sum += map[cell]
                    }
                    let g = Double(grid)
                    let box = BoundingBox(left: Double(x0) / g, top: Double(y0) / g,
                                          width: Double(x1 - x0 + 1) / g, height: Double(y1 - y0 + 1) / g)
                    candidates.append(ModelPrediction(tag: c, probability: Double(sum / Float(component.count)), box: box))
                }
            }
            out += suppress(candidates)
        }
        return out.sorted { $0.probability > $1.probability }
    }

    static func components(_ map: [Float], grid: Int, threshold: Float) -> [[Int]] {
        var seen = [Bool](repeating: false, count: map.count)
        var result: [[Int]] = []
        for start in map.indices where map[start] >= threshold && !seen[start] {
            var stack = [start]
            seen[start] = true
            var members: [Int] = []
            while let cell = stack.popLast() {
                members.append(cell)
                let (x, y) = (cell % grid, cell / grid)
                for dy in -1...1 {
                    for dx in -1...1 {
                        let (nx, ny) = (x + dx, y + dy)
                        guard nx >= 0, ny >= 0, nx < grid, ny < grid else { continue }
                        let n = ny * grid + nx
                        if !seen[n], map[n] >= threshold {
                            seen[n] = true
                            stack.append(n)
                        }
                    }
                }
            }
            result.append(members)
        }
        return result
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
