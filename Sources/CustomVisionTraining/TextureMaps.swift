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
        var codes = [UInt8](repeating: 0, count: side * side)
        guard side > 2 * r else { return codes }
        let offsets = [r, -side * r + r, -side * r, -side * r - r, -r, side * r - r, side * r, side * r + r]
        plane.withUnsafeBufferPointer { p in
            for y in r..<(side - r) {
                for x in r..<(side - r) {
                    let i = y * side + x
                    let c = p[i]
                    var code = 0
                    for (bit, o) in offsets.enumerated() where p[i + o] >= c { code |= 1 << bit }
                    codes[i] = UInt8(code)
                }
            }
        }
        return codes
    }

    /// Gradient magnitude and unsigned orientation bin (0..<8) of every pixel, by central differences.
    static func gradients(_ plane: [Float], side: Int) -> (magnitude: [Float], bin: [UInt8]) {
        var magnitude = [Float](repeating: 0, count: side * side)
        var bin = [UInt8](repeating: 0, count: side * side)
        guard side > 2 else { return (magnitude, bin) }
        for y in 1..<(side - 1) {
            for x in 1..<(side - 1) {
                let i = y * side + x
                let gx = plane[i + 1] - plane[i - 1]
                let gy = plane[i + side] - plane[i - side]
                magnitude[i] = (gx * gx + gy * gy).squareRoot()
                var angle = atan2(gy, gx)
                if angle < 0 { angle += .pi }
                bin[i] = UInt8(min(Int(angle / .pi * Float(orientationBins)), orientationBins - 1))
            }
        }
        return (magnitude, bin)
    }
}
