import CustomVisionCore
import Foundation
import ImagePrep
import Testing
@testable import CustomVisionTraining

/// The detection features' vector and workspace paths against their scalar definitions.
struct CellWorkspaceTests {
    static func randomImage(seed: UInt64, width: Int, height: Int) -> RGBImage {
        var rng = SeededRandomGenerator(seed: seed)
        // Flat patches (zero gradients) among noise, as in real images.
        let pixels = (0..<(width * height * 3)).map { i in UInt8((i / 9) % 4 == 0 ? 128 : rng.nextIndex(256)) }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test func orientationBinsOfEightLanesMatchTheScalarBinsOnAxesZerosAndNaNs() {
        var values: [Float] = [0, -0.0, 1, -1, 2, -2, 0.5, -0.5, .nan, 3, -3, 1e-30, -1e-30, 7.25, -7.25]
        var rng = SeededRandomGenerator(seed: 5)
        for _ in 0..<2_000 { values.append(Float(rng.nextIndex(41)) - 20) }
        var (gx, gy): ([Float], [Float]) = ([], [])
        for _ in 0..<40_000 {
            gx.append(values[rng.nextIndex(values.count)])
            gy.append(values[rng.nextIndex(values.count)])
        }
        var mismatches = 0
        for start in stride(from: 0, to: gx.count, by: 8) {
            let x = SIMD8<Float>(gx[start..<(start + 8)])
            let y = SIMD8<Float>(gy[start..<(start + 8)])
            let bins = TextureMaps.orientationBins(x, y)
            for lane in 0..<8 where bins[lane] != TextureMaps.orientationBin(x[lane], y[lane]) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func orientationBinsOfEightLanesMatchTheScalarBinsNearEveryEdgeAndAcrossMagnitudes() {
        var rng = SeededRandomGenerator(seed: 17)
        var (gx, gy): ([Float], [Float]) = ([], [])
        for _ in 0..<80_000 {
            // Directions at and around each bin edge k·π/8 (within ±2e-4 rad, about the tolerance) and anywhere,
            // lengths from 2^-40 to 2^40.
            let k = Double(rng.nextIndex(17)) - 8
            let angle = rng.nextIndex(4) == 0 ? rng.nextUnit() * 2 * .pi : k * .pi / 8 + (rng.nextUnit() - 0.5) * 4e-4
            let length = pow(2, rng.nextUnit() * 80 - 40)
            gx.append(Float(length * cos(angle)))
            gy.append(Float(length * sin(angle)))
        }
        var mismatches: [(Float, Float)] = []
        for start in stride(from: 0, to: gx.count, by: 8) {
            let x = SIMD8<Float>(gx[start..<(start + 8)])
            let y = SIMD8<Float>(gy[start..<(start + 8)])
            let bins = TextureMaps.orientationBins(x, y)
            for lane in 0..<8 where bins[lane] != TextureMaps.orientationBin(x[lane], y[lane]) {
                mismatches.append((x[lane], y[lane]))
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func diagonalGradientsTakeTheReferenceBinOfTheirSignsAtEveryMagnitude() {
        var magnitudes: [Float] = [.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 0.299]
        for exponent in -149...127 {
            magnitudes += [Float(sign: .plus, exponent: exponent, significand: 1),
                           Float(sign: .plus, exponent: exponent, significand: 1.618)]
        }
        var rng = SeededRandomGenerator(seed: 13)
        for _ in 0..<5_000 { magnitudes.append(Float(rng.nextUnit() * 510)) }
        let expected = TextureMaps.diagonalBins
        var wrong: [Float] = []
        for a in magnitudes where a > 0 {
            let reference = [TextureMaps.referenceBin(a, a), TextureMaps.referenceBin(-a, a),
                             TextureMaps.referenceBin(-a, -a), TextureMaps.referenceBin(a, -a)]
            if reference != [expected.0, expected.1, expected.2, expected.3] { wrong.append(a) }
            let (x, y) = (SIMD8(a, -a, -a, a, a, -a, -a, a), SIMD8(a, a, -a, -a, a, a, -a, -a))
            let lanes = TextureMaps.orientationBins(x, y)
            if (0..<8).contains(where: { lanes[$0] != reference[$0 % 4] }) { wrong.append(a) }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test func lbpCodesMatchTheirDefinitionAtEveryPixel() {
        let side = 37
        var rng = SeededRandomGenerator(seed: 9)
        let plane = (0..<(side * side)).map { _ in Float(rng.nextIndex(6)) }
        for r in [1, 2] {
            let codes = TextureMaps.lbp(plane, side: side, radius: r)
            var expected = [UInt8](repeating: 0, count: side * side)
            let steps = [(r, 0), (r, -r), (0, -r), (-r, -r), (-r, 0), (-r, r), (0, r), (r, r)]
            for y in r..<(side - r) {
                for x in r..<(side - r) {
                    for (bit, (dx, dy)) in steps.enumerated() {
                        if plane[(y + dy) * side + x + dx] >= plane[y * side + x] { expected[y * side + x] |= 1 << bit }
                    }
                }
            }
            #expect(codes == expected, "radius \(r)")
        }
    }

    /// Area averages as defined: each window's values added row by row in floats, then divided.
    static func referencePlanes(_ image: RGBImage, side: Int) -> [[Float]] {
        let (w, h) = (max(image.width, 1), max(image.height, 1))
        var planes = [[Float]](repeating: [Float](repeating: 0, count: side * side), count: 4)
        guard image.width > 0, image.height > 0 else { return planes }
        for oy in 0..<side {
            let y0 = oy * h / side
            let y1 = max(y0 + 1, (oy + 1) * h / side)
            for ox in 0..<side {
                let x0 = ox * w / side
                let x1 = max(x0 + 1, (ox + 1) * w / side)
                var sums: [Float] = [0, 0, 0]
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        for c in 0..<3 { sums[c] += Float(image.pixels[(y * w + x) * 3 + c]) }
                    }
                }
                let n = Float((y1 - y0) * (x1 - x0))
                let o = oy * side + ox
                for c in 0..<3 { planes[c][o] = sums[c] / n }
                planes[3][o] = 0.299 * planes[0][o] + 0.587 * planes[1][o] + 0.114 * planes[2][o]
            }
        }
        return planes
    }

    /// Includes a window of 300² pixels (sums past 2^24: the float path) and sides not a multiple of eight.
    @Test(arguments: [(200, 200, 192), (97, 311, 192), (300, 300, 1), (640, 480, 128), (33, 20, 13)])
    func planesEqualTheDefiningAreaAverages(width: Int, height: Int, side: Int) {
        let image = Self.randomImage(seed: UInt64(width + height), width: width, height: height)
        let planes = Planes(image, side: side)
        let expected = Self.referencePlanes(image, side: side)
        for (plane, reference) in zip([planes.red, planes.green, planes.blue, planes.gray], expected) {
            #expect(plane.map(\.bitPattern) == reference.map(\.bitPattern))
        }
    }

    @Test(arguments: [(200, 200), (256, 256), (97, 311), (0, 0)])
    func workspaceRowsEqualThePlanesPath(width: Int, height: Int) {
        let image = Self.randomImage(seed: UInt64(width * 1_000 + height), width: width, height: height)
        let planes = CellDescriptor.features(Planes(image, side: CellDescriptor.side))
        // Twice through the pool: the second call reuses the first's workspace.
        for _ in 0..<2 {
            let rows = CellWorkspace.pool.with { Array($0.features(image)) }
            #expect(rows.map(\.bitPattern) == planes.map(\.bitPattern))
        }
        #expect(planes.count == CellDescriptor.grid * CellDescriptor.grid * CellDescriptor.count)
    }

    @Test func concurrentFeatureExtractionsMatchSerialOnes() async {
        let images = (0..<6).map { Self.randomImage(seed: 40 + UInt64($0), width: 200, height: 200) }
        let serial = images.map { image in CellWorkspace.pool.with { Array($0.features(image)) } }
        let concurrent = await withTaskGroup(of: (Int, [Float]).self) { group in
            for _ in 0..<2 {
                for (i, image) in images.enumerated() {
                    group.addTask { (i, CellWorkspace.pool.with { Array($0.features(image)) }) }
                }
            }
            var out = [[[Float]]](repeating: [], count: images.count)
            for await (i, rows) in group { out[i].append(rows) }
            return out
        }
        for (i, runs) in concurrent.enumerated() { #expect(runs.allSatisfy { $0 == serial[i] }) }
        #expect(serial[0] != serial[1])
    }
}
