import CustomVisionCore
import Testing
@testable import CustomVisionTraining

struct BoxDecoderTests {
    /// Two vertical stripes (columns 4–6 and 14–16) joined by a weak one-row bridge: one connected component.
    static func bridgedStripes(grid: Int) -> (map: [Float], component: [Int]) {
        var map = [Float](repeating: 0, count: grid * grid)
        for y in 2...20 {
            for x in Array(4...6) + Array(14...16) { map[y * grid + x] = 0.9 }
        }
        for x in 7...13 { map[10 * grid + x] = 0.3 }
        return (map, map.indices.filter { map[$0] > 0 })
    }

    @Test func splitCutsABridgedBlobIntoItsStripes() throws {
        let grid = 24
        let (map, component) = Self.bridgedStripes(grid: grid)
        #expect(BoxDecoder.components(map, grid: grid, threshold: 0.2).count == 1)
        let context = BoxDecoder.MapContext(map: map, grid: grid, tag: 0, classes: 1, peak: 0.9)
        let parts = BoxDecoder.split(component, context, fractions: BoxDecoder.splitFractions)
        let boxes = parts.compactMap { BoxDecoder.candidate($0, context, threshold: 0.2, weight: 1).prediction.box }
        let left = BoundingBox(left: 4 / 24, top: 2 / 24, width: 3 / 24, height: 19 / 24)
        let right = BoundingBox(left: 14 / 24, top: 2 / 24, width: 3 / 24, height: 19 / 24)
        #expect(boxes.contains { $0.iou(left) > 0.9 })
        #expect(boxes.contains { $0.iou(right) > 0.9 })
        // The rows are uniform, so no horizontal cut is made.
        #expect(parts.allSatisfy { part in part.contains { $0 / grid == 2 } })
    }

    @Test func decoderFindsBothStripesOfABridgedBlob() throws {
        let grid = 24
        let (map, _) = Self.bridgedStripes(grid: grid)
        // One class: probabilities and background per cell.
        let probabilities = map.flatMap { [$0, 1 - $0] }
        let predictions = BoxDecoder.decode(probabilities, grid: grid, classes: 1)
        let left = BoundingBox(left: 4 / 24, top: 2 / 24, width: 3 / 24, height: 19 / 24)
        let right = BoundingBox(left: 14 / 24, top: 2 / 24, width: 3 / 24, height: 19 / 24)
        #expect(predictions.contains { ($0.box?.iou(left) ?? 0) > 0.6 })
        #expect(predictions.contains { ($0.box?.iou(right) ?? 0) > 0.6 })
        #expect(predictions == predictions.sorted { $0.probability > $1.probability })
    }
}

struct BoxRescorerTests {
    @Test func rescorerRanksBoxesMatchingTheTruthAboveTheRest() throws {
        let grid = 24
        let (map, _) = BoxDecoderTests.bridgedStripes(grid: grid)
        let probabilities = map.flatMap { [$0, 1 - $0] }
        // Only the left stripe is a true object: the right one and merged boxes should rank lower.
        let left = BoundingBox(left: 4 / 24, top: 2 / 24, width: 3 / 24, height: 19 / 24)
        let example = BoxRescorer.Example(probabilities: probabilities, truth: [LabeledBox(tag: 0, box: left)])
        let rescorer = try #require(try BoxRescorer.train(Array(repeating: example, count: 64), classes: 1, seed: 1))
        let candidates = BoxDecoder.candidates(probabilities, grid: grid, classes: 1)[0]
        let scored = candidates.map { c in
            (hit: (c.prediction.box?.iou(left) ?? 0) >= 0.5,
             p: c.features.withUnsafeBufferPointer { rescorer.probabilities($0)[0] })
        }
        let hits: [Float] = scored.filter(\.hit).map(\.p)
        let misses: [Float] = scored.filter { !$0.hit }.map(\.p)
        #expect(!hits.isEmpty && !misses.isEmpty)
        let hitMean = hits.reduce(0, +) / Float(max(hits.count, 1))
        let missMean = misses.reduce(0, +) / Float(max(misses.count, 1))
        #expect(hitMean > missMean + 0.2, "hits \(hitMean), misses \(missMean)")
    }
}

struct BoxDecoderUnionTests {
    @Test func candidatesIncludeTheUnionOfSeparateBlobs() {
        let grid = 24
        var map = [Float](repeating: 0, count: grid * grid)
        for y in 4...8 {
            for x in 3...6 { map[y * grid + x] = 0.8 }
        }
        for y in 14...19 {
            for x in 15...18 { map[y * grid + x] = 0.8 }
        }
        let probabilities = map.flatMap { [$0, 1 - $0] }
        let both = BoundingBox(left: 3 / 24, top: 4 / 24, width: 16 / 24, height: 16 / 24)
        let boxes = BoxDecoder.candidates(probabilities, grid: grid, classes: 1)[0].compactMap(\.prediction.box)
        #expect(boxes.contains { $0.iou(both) > 0.8 })
        #expect(boxes.contains { $0.iou(BoundingBox(left: 3 / 24, top: 4 / 24, width: 4 / 24, height: 5 / 24)) > 0.6 })
    }
}
