import CustomVisionCore
import Foundation
import Testing
@testable import CustomVisionTraining

/// The workspace decoder (``DecodeWorkspace``) against the plain composition it replaced: a fresh labeler per
/// threshold, every candidate and part built as arrays of cells. Equal means bit-equal here: the same candidates in
/// the same order with the same features.
struct DecodeWorkspaceTests {
    /// Cell probabilities of `classes` classes plus background on a `grid`² map: a few random blobs of varied
    /// strength per class, so components merge, split and nest across thresholds.
    static func probabilities(seed: UInt64, grid: Int, classes: Int) -> [Float] {
        var rng = SeededRandomGenerator(seed: seed)
        var maps = [[Float]](repeating: [Float](repeating: 0, count: grid * grid), count: classes)
        for c in 0..<classes {
            for _ in 0..<(1 + rng.nextIndex(5)) {
                let (cx, cy) = (Float(rng.nextIndex(grid)), Float(rng.nextIndex(grid)))
                let (sx, sy) = (Float(1 + rng.nextIndex(4)), Float(1 + rng.nextIndex(4)))
                let height = Float(0.2 + 0.8 * rng.nextUnit())
                for y in 0..<grid {
                    for x in 0..<grid {
                        let (dx, dy) = ((Float(x) - cx) / sx, (Float(y) - cy) / sy)
                        let d = dx * dx + dy * dy
                        maps[c][y * grid + x] = max(maps[c][y * grid + x], height * expf(-d / 2))
                    }
                }
            }
        }
        var out: [Float] = []
        for i in 0..<(grid * grid) {
            var total: Float = 0
            for c in 0..<classes { total += maps[c][i] }
            let scale: Float = total > 1 ? 1 / total : 1
            for c in 0..<classes { out.append(maps[c][i] * scale * Float(0.9 + 0.1 * rng.nextUnit())) }
            out.append(max(0, 1 - total * scale))
        }
        return out
    }

    /// The decoder's candidates as the code before the workspace found them.
    static func reference(_ probabilities: [Float], grid cells: Int, classes: Int) -> [[BoxDecoder.Candidate]] {
        let grid = cells * BoxDecoder.upsample
        return (0..<classes).map { c in
            let map = BoxDecoder.upsampled((0..<(cells * cells)).map { probabilities[$0 * (classes + 1) + c] },
                                           grid: cells)
            let context = BoxDecoder.MapContext(map: map, grid: grid, tag: c, classes: classes, peak: map.max() ?? 0)
            var result: [BoxDecoder.Candidate] = []
            for t in BoxDecoder.thresholds where t <= context.peak {
                let found = BoxDecoder.components(map, grid: grid, threshold: t)
                if found.count >= 2 {
                    result.append(BoxDecoder.candidate(Array(found.joined()), context, threshold: t,
                                                       weight: BoxDecoder.splitWeight))
                }
                for component in found {
                    result.append(BoxDecoder.candidate(component, context, threshold: t, weight: 1))
                    for part in BoxDecoder.split(component, context, fractions: BoxDecoder.splitFractions) {
                        result.append(BoxDecoder.candidate(part, context, threshold: t, weight: BoxDecoder.splitWeight))
                    }
                }
            }
            return result
        }
    }

    static func same(_ a: [[BoxDecoder.Candidate]], _ b: [[BoxDecoder.Candidate]]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x.count == y.count && zip(x, y).allSatisfy {
                $0.prediction == $1.prediction && $0.features.map(\.bitPattern) == $1.features.map(\.bitPattern)
            }
        }
    }

    @Test(arguments: [(UInt64(1), 24, 3), (2, 24, 6), (3, 12, 1), (4, 24, 2), (5, 7, 2)])
    func workspaceCandidatesEqualTheReferenceCompositionBitForBit(seed: UInt64, grid: Int, classes: Int) {
        let p = Self.probabilities(seed: seed, grid: grid, classes: classes)
        let fast = BoxDecoder.candidates(p, grid: grid, classes: classes)
        let slow = Self.reference(p, grid: grid, classes: classes)
        #expect(fast.joined().count > 10)
        #expect(Self.same(fast, slow))
    }

    @Test func oneWorkspaceServesGridsOfDifferentSizesInTurn() {
        // The pool hands back the same workspace, so alternating grids exercise its re-sizing.
        for (seed, grid) in [(11, 24), (12, 9), (13, 24), (14, 9)] {
            let p = Self.probabilities(seed: UInt64(seed), grid: grid, classes: 2)
            let fast = BoxDecoder.candidates(p, grid: grid, classes: 2)
            #expect(Self.same(fast, Self.reference(p, grid: grid, classes: 2)))
        }
    }

    @Test(arguments: [24, 7, 1])
    func upsampledMapsEqualTheBilinearFormulaAtEveryCell(grid: Int) {
        var rng = SeededRandomGenerator(seed: UInt64(grid))
        let map = (0..<(grid * grid)).map { _ in Float(rng.nextUnit()) }
        let (f, out) = (BoxDecoder.upsample, grid * BoxDecoder.upsample)
        func tap(_ o: Int) -> (Int, Int, Float) {
            let s = (Float(o) + 0.5) / Float(f) - 0.5
            let a = max(min(Int(s.rounded(.down)), grid - 1), 0)
            return (a, min(a + 1, grid - 1), min(max(s - Float(a), 0), 1))
        }
        var expected = [Float](repeating: 0, count: out * out)
        for oy in 0..<out {
            let (y0, y1, wy) = tap(oy)
            for ox in 0..<out {
                let (x0, x1, wx) = tap(ox)
                let top = map[y0 * grid + x0] * (1 - wx) + map[y0 * grid + x1] * wx
                let bottom = map[y1 * grid + x0] * (1 - wx) + map[y1 * grid + x1] * wx
                expected[oy * out + ox] = top * (1 - wy) + bottom * wy
            }
        }
        #expect(BoxDecoder.upsampled(map, grid: grid).map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func labelerGivesTheSameComponentsForRisingFallingAndFreshThresholds() {
        let grid = 40
        let p = Self.probabilities(seed: 21, grid: grid, classes: 1)
        let map = (0..<(grid * grid)).map { p[$0 * 2] }
        var reused = ComponentLabeler(map: map, grid: grid)
        let order: [Float] = [0.05, 0.1, 0.3, 0.2, 0.6, 0.05, 0.9, 0.4]
        for t in order {
            let fresh = BoxDecoder.components(map, grid: grid, threshold: t)
            #expect(reused.components(threshold: t) == fresh, "threshold \(t)")
            #expect(fresh.joined().allSatisfy { map[$0] >= t })
        }
        #expect(!BoxDecoder.components(map, grid: grid, threshold: 0.05).isEmpty)
    }

    @Test func concurrentDecodesShareThePoolAndMatchSerialOnes() async {
        let inputs = (0..<8).map { Self.probabilities(seed: 100 + UInt64($0), grid: 24, classes: 3) }
        let serial = inputs.map { BoxDecoder.decode($0, grid: 24, classes: 3) }
        let concurrent = await withTaskGroup(of: (Int, [ModelPrediction]).self) { group in
            for _ in 0..<3 {
                for (i, p) in inputs.enumerated() { group.addTask { (i, BoxDecoder.decode(p, grid: 24, classes: 3)) } }
            }
            var out = [[[ModelPrediction]]](repeating: [], count: inputs.count)
            for await (i, predictions) in group { out[i].append(predictions) }
            return out
        }
        #expect(serial.allSatisfy { !$0.isEmpty })
        for (i, runs) in concurrent.enumerated() { #expect(runs.allSatisfy { $0 == serial[i] }) }
    }
}
