/// The texture maps written to a caller's buffers, eight pixels at a time. Every lane does the scalar code's
/// operations on its own pixel (comparisons, and separate multiplies and adds: no fused multiply-add), so the maps
/// are the same bytes and bits.
extension TextureMaps {
    /// ``lbp(_:side:radius:)`` of `plane` written to `codes` (`side²` bytes).
    static func lbp(_ plane: UnsafePointer<Float>, side: Int, radius r: Int, into codes: UnsafeMutablePointer<UInt8>) {
        codes.initialize(repeating: 0, count: side * side)
        guard side > 2 * r else { return }
        // Neighbours in bit order: right, up-right, up, up-left, left, down-left, down, down-right.
        let offsets = [r, -side * r + r, -side * r, -side * r - r, -r, side * r - r, side * r, side * r + r]
        let (a, b, c, d, e, f, g, h) = (offsets[0], offsets[1], offsets[2], offsets[3], offsets[4], offsets[5],
                                        offsets[6], offsets[7])
        for y in r..<(side - r) {
            var x = r
            while x + 8 <= side - r {
                let q = plane + y * side + x
                let v = load(q)
                var code = SIMD8<Int32>.zero
                code |= bit(load(q + a) .>= v, 1)
                code |= bit(load(q + b) .>= v, 2)
                code |= bit(load(q + c) .>= v, 4)
                code |= bit(load(q + d) .>= v, 8)
                code |= bit(load(q + e) .>= v, 16)
                code |= bit(load(q + f) .>= v, 32)
                code |= bit(load(q + g) .>= v, 64)
                code |= bit(load(q + h) .>= v, 128)
                UnsafeMutableRawPointer(codes + y * side + x)
                    .storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: code), as: SIMD8<UInt8>.self)
                x += 8
            }
            for x in x..<(side - r) {
                let q = plane + y * side + x
                let v = q[0]
                var code: UInt8 = q[a] >= v ? 1 : 0
                code |= q[b] >= v ? 2 : 0
                code |= q[c] >= v ? 4 : 0
                code |= q[d] >= v ? 8 : 0
                code |= q[e] >= v ? 16 : 0
                code |= q[f] >= v ? 32 : 0
                code |= q[g] >= v ? 64 : 0
                code |= q[h] >= v ? 128 : 0
                codes[y * side + x] = code
            }
        }
    }

    /// ``gradients(_:side:)`` of `plane` written to `magnitude` and `bin` (`side²` each).
    static func gradients(
        _ p: UnsafePointer<Float>, side: Int, magnitude m: UnsafeMutablePointer<Float>,
        bin b: UnsafeMutablePointer<UInt8>
    ) {
        m.initialize(repeating: 0, count: side * side)
        b.initialize(repeating: 0, count: side * side)
        guard side > 2 else { return }
        for y in 1..<(side - 1) {
            var x = 1
            while x + 8 <= side - 1 {
                let i = y * side + x
                let gx = load(p + i + 1) - load(p + i - 1)
                let gy = load(p + i + side) - load(p + i - side)
                UnsafeMutableRawPointer(m + i).storeBytes(of: (gx * gx + gy * gy).squareRoot(), as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(b + i).storeBytes(of: orientationBins(gx, gy), as: SIMD8<UInt8>.self)
                x += 8
            }
            for x in x..<(side - 1) {
                let i = y * side + x
                let gx = p[i + 1] - p[i - 1]
                let gy = p[i + side] - p[i - side]
                m[i] = (gx * gx + gy * gy).squareRoot()
                b[i] = orientationBin(gx, gy)
            }
        }
    }

    /// ``orientationBin(_:_:)`` of eight gradients: the bin edges each direction lies past, counted in all lanes at
    /// once, and its cases for gradients on an axis or a diagonal as lane selections; lanes near another edge (and a
    /// zero gradient with a negative zero `gx`, and NaNs) take the scalar function. Masks are kept as integer
    /// lanes (-1 or 0), which compile to plain vector instructions.
    @inline(__always)
    static func orientationBins(_ gx: SIMD8<Float>, _ gy: SIMD8<Float>) -> SIMD8<UInt8> {
        let sign = SIMD8<Int32>(repeating: Int32.min)
        let (gxBits, gyBits) = (unsafeBitCast(gx, to: SIMD8<Int32>.self), unsafeBitCast(gy, to: SIMD8<Int32>.self))
        let down = lanes(gy .< 0)
        // Folded into the upper half-plane (negation flips the sign bit), and |x| + |y|: y is positive in every
        // lane off the axes, the only lanes this value decides.
        let xBits = gxBits ^ (down & sign)
        let y = unsafeBitCast(gyBits ^ (down & sign), to: SIMD8<Float>.self)
        let left = xBits &>> 31
        let ax = unsafeBitCast(xBits & ~sign, to: SIMD8<Float>.self)
        let tolerance = Float(1e-4) * (ax + y)
        // Off the axes (y > 0, x ≠ 0): edge 4 (π/2) has d = -x, so it is near when |x| is within the tolerance. For
        // x > 0 the edges past π/2 lie far below (d ≤ -0.38·max(x, y)) and edges 1...3 decide, with d computed from
        // |x| = x. For x < 0 edges 1...4 lie far above, and edge 8 - k has exactly d = -(y·cos k - |x|·sin k)
        // (the tables are mirror images and rounding is symmetric), so edges 1...3 at |x| decide again, by sign.
        let (cosines, sines) = (edgeCosines, edgeSines)
        var near = lanes(ax .<= tolerance)
        var (above, below) = (SIMD8<Int32>.zero, SIMD8<Int32>.zero)
        for k in 0..<3 {
            let d = y * cosines[k] - ax * sines[k]
            near |= lanes(d .<= tolerance) & lanes(-d .<= tolerance)
            above &-= lanes(d .> 0)
            below &-= lanes(d .< 0)
        }
        var bins = (above & ~left) | ((below &+ 4) & left)
        let (xZero, yZero) = (lanes(gx .== 0), lanes(gy .== 0))
        @inline(__always) func set(_ value: Int, where mask: SIMD8<Int32>) {
            bins = (bins & ~mask) | (SIMD8(repeating: Int32(value)) & mask)
        }
        let vertical = xZero & ~yZero
        set(Int(verticalBins.up), where: vertical & lanes(gy .> 0))
        set(Int(verticalBins.down), where: vertical & down)
        let horizontal = yZero & ~xZero
        // atan2 tells +0 from -0: the sign bits as masks.
        let (xNegative, yNegative) = (gxBits &>> 31, gyBits &>> 31)
        set(0, where: horizontal | (xZero & yZero))
        set(orientationBins - 1, where: horizontal & lanes(gx .< 0) & ~yNegative)
        // Exact diagonals (common in 8-bit images) lie on an edge: atan2 of equal magnitudes depends only on the
        // signs, so their bins are the reference's for ±1 (tested over the float range).
        let xAbs = unsafeBitCast(gxBits & ~sign, to: SIMD8<Float>.self)
        let diagonal = lanes(xAbs .== unsafeBitCast(gyBits & ~sign, to: SIMD8<Float>.self))
            & lanes(xAbs .< .infinity) & ~xZero
        let diagonals = diagonalBins
        set(Int(diagonals.0), where: diagonal & ~xNegative & ~yNegative)
        set(Int(diagonals.1), where: diagonal & xNegative & ~yNegative)
        set(Int(diagonals.2), where: diagonal & xNegative & yNegative)
        set(Int(diagonals.3), where: diagonal & ~xNegative & yNegative)
        let nan = ~lanes(gx .== gx) | ~lanes(gy .== gy)
        let scalar = (near & ~xZero & ~yZero & ~diagonal) | (xZero & yZero & xNegative) | nan
        var result = SIMD8<UInt8>(truncatingIfNeeded: bins)
        var pending = Int((scalar & SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)).wrappedSum())
        while pending != 0 {
            let lane = pending.trailingZeroBitCount
            result[lane] = orientationBin(gx[lane], gy[lane])
            pending &= pending - 1
        }
        return result
    }

    /// ``referenceBin(_:_:)`` of the four diagonals: `(a, a)`, `(-a, a)`, `(-a, -a)`, `(a, -a)` for any finite
    /// nonzero `a`.
    static let diagonalBins = (referenceBin(1, 1), referenceBin(-1, 1), referenceBin(-1, -1), referenceBin(1, -1))

    /// A mask as integer lanes: -1 where true, 0 where false (its storage).
    @inline(__always)
    private static func lanes(_ mask: SIMDMask<SIMD8<Int32>>) -> SIMD8<Int32> {
        unsafeBitCast(mask, to: SIMD8<Int32>.self)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func bit(_ mask: SIMDMask<SIMD8<Int32>>, _ value: Int32) -> SIMD8<Int32> {
        lanes(mask) & SIMD8(repeating: value)
    }
}
