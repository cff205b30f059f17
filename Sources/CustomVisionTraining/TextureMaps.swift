import Foundation

/// Per-pixel texture codes of a square gray plane: local binary patterns and gradient orientation.
struct TextureMaps {
    /// Uniform LBP labels (59: 58 uniform patterns + 1 for all others); borders get the non-uniform label.
    static let uniformLabels = 59
    /// Rotation-invariant uniform LBP labels (10: 0...8 ones + 1 for non-uniform).
    static let rotationLabels = 10
    /// Unsigned gradient orientation bins.
    static let orientationBins = 8

    static let uniformTable: [UInt8] = {
        var table = [UInt8](repeating: 58, count: 256)
        var next: UInt8 = 0
        for code in 0..<256 where transitions(code) <= 2 {
            table[code] = next
            next += 1
        }
        return table
    }()

    static let rotationTable: [UInt8] = (0..<256).map { transitions($0) <= 2 ? UInt8($0.nonzeroBitCount) : 9 }

    private static func transitions(_ code: Int) -> Int {
        var count = 0
        for bit in 0..<8 where (code >> bit) & 1 != (code >> ((bit + 1) % 8)) & 1 { count += 1 }
        return count
    }

    /// The 8-neighbour LBP code at radius `radius` of every pixel (0 on the border).
    static func lbp(_ plane: [Float], side: Int, radius r: Int) -> [UInt8] {
        precondition(plane.count >= side * side, "plane: \(plane.count) values for side \(side)")
        guard side > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: side * side) { codes, n in
            plane.withUnsafeBufferPointer { lbp($0.baseAddress!, side: side, radius: r, into: codes.baseAddress!) }
            n = side * side
        }
    }

    /// Gradient magnitude and unsigned orientation bin (0..<8) of every pixel, by central differences.
    static func gradients(_ plane: [Float], side: Int) -> (magnitude: [Float], bin: [UInt8]) {
        precondition(plane.count >= side * side, "plane: \(plane.count) values for side \(side)")
        guard side > 0 else { return ([], []) }
        var bin = [UInt8](repeating: 0, count: side * side)
        let magnitude = [Float](unsafeUninitializedCapacity: side * side) { m, n in
            plane.withUnsafeBufferPointer { p in
                bin.withUnsafeMutableBufferPointer {
                    gradients(p.baseAddress!, side: side, magnitude: m.baseAddress!, bin: $0.baseAddress!)
                }
            }
            n = side * side
        }
        return (magnitude, bin)
    }

    /// Cosines and sines of the bin edges `k·π/8`, k = 1...7, in lanes 0...6; lane 7 repeats edge 1 (SIMD8 has
    /// one lane more than the seven edges).
    static let edgeCosines = SIMD8<Float>(0.9238795, 0.70710677, 0.38268343, 0, -0.38268343, -0.70710677,
                                          -0.9238795, 0.9238795)
    static let edgeSines = SIMD8<Float>(0.38268343, 0.70710677, 0.9238795, 1, 0.9238795, 0.70710677, 0.38268343,
                                        0.38268343)

    /// The orientation bin of ``referenceBin(_:_:)`` without its `atan2`: the number of bin edges `k·π/8`
    /// (k = 1...7) the direction, folded into the upper half-plane, lies past, by cross products. Within a relative
    /// 1e-4 of an edge (exact diagonals and verticals are common in 8-bit images), and for a zero gradient, it
    /// returns the reference's bin, so the two agree on every input.
    @inline(__always)
    static func orientationBin(_ gx: Float, _ gy: Float) -> UInt8 {
        // Vertical gradients (common) take the reference's bins for ±π/2; atan2(±0, +0) is ±0: bin 0.
        if gx == 0 {
            if gy != 0 { return gy > 0 ? verticalBins.up : verticalBins.down }
            return gx.sign == .plus ? 0 : referenceBin(gx, gy)
        }
        // Horizontal ones: atan2 is +π for (+0, negative) (bin 7), else ±0, or -π + π = 0 (bin 0).
        if gy == 0 { return gx < 0 && gy.sign == .plus ? UInt8(orientationBins - 1) : 0 }
        let (x, y) = gy < 0 ? (-gx, -gy) : (gx, gy)
        // Lane 7 repeats edge 1, so it is counted once less.
        let d = y * edgeCosines - x * edgeSines
        let tolerance = SIMD8(repeating: 1e-4 * (abs(x) + abs(y)))
        if any((d .<= tolerance) .& (-d .<= tolerance)) { return referenceBin(gx, gy) }
        let past = SIMD8<Int32>(repeating: 0).replacing(with: 1, where: d .> 0).wrappedSum()
        return UInt8(truncatingIfNeeded: past - (d[7] > 0 ? 1 : 0))
    }

    /// ``referenceBin(_:_:)`` of upward and downward gradients (4 and 3 with glibc: -π/2 + π rounds below π/2).
    static let verticalBins = (up: referenceBin(0, 1), down: referenceBin(0, -1))

    /// The unsigned orientation bin by `atan2`: angles in [0, π) cut into ``orientationBins`` equal bins.
    static func referenceBin(_ gx: Float, _ gy: Float) -> UInt8 {
        var angle = atan2(gy, gx)
        if angle < 0 { angle += .pi }
        return UInt8(min(Int(angle / .pi * Float(orientationBins)), orientationBins - 1))
    }
}
