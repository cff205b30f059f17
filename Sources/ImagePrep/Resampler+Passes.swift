/// The convolution passes of `Resampler`, on raw pointers (the hot loops of image preparation).
extension Resampler {
    /// The fixed-point value (22 fractional bits) as a byte, clamped to 0...255 without branches.
    @inline(__always) private static func clip8(_ v: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(v &>> 22, 0), 255))
    }

    /// The general RGB horizontal pass: one output pixel at a time, the three channels in three accumulators.
    /// Input row `y` of `rows` goes to row `y - rows.lowerBound` of `dst` (rows `stride` bytes apart).
    static func horizontalPass3(
        _ src: PlaneView, rows: Range<Int>, kernel: Kernel, into dst: UnsafeMutablePointer<UInt8>, stride: Int
    ) {
        kernel.withPointers { w0, s0, c0 in
            for y in rows {
                let row = src.base + y &* src.stride
                var d = dst + (y &- rows.lowerBound) &* stride
                var w = w0
                for xx in 0..<kernel.start.count {
                    var r: Int32 = 1 << 21, g: Int32 = 1 << 21, b: Int32 = 1 << 21
                    var s = row + Int(s0[xx]) &* 3
                    for t in 0..<Int(c0[xx]) {
                        let k = w[t]
                        r = r &+ Int32(s[0]) &* k
                        g = g &+ Int32(s[1]) &* k
                        b = b &+ Int32(s[2]) &* k
                        s += 3
                    }
                    d[0] = clip8(r)
                    d[1] = clip8(g)
                    d[2] = clip8(b)
                    d += 3
                    w += kernel.taps
                }
            }
        }
    }

    /// The general one-channel (gray, or one YCbCr plane) horizontal pass.
    static func horizontalPass1(
        _ src: PlaneView, rows: Range<Int>, kernel: Kernel, into dst: UnsafeMutablePointer<UInt8>, stride: Int
    ) {
        kernel.withPointers { w0, s0, c0 in
            for y in rows {
                let row = src.base + y &* src.stride
                var d = dst + (y &- rows.lowerBound) &* stride
                var w = w0
                for xx in 0..<kernel.start.count {
                    var v: Int32 = 1 << 21
                    let s = row + Int(s0[xx])
                    for t in 0..<Int(c0[xx]) { v = v &+ Int32(s[t]) &* w[t] }
                    d.pointee = clip8(v)
                    d += 1
                    w += kernel.taps
                }
            }
        }
    }

    /// The horizontal pass for padded 2-tap kernels (enlarging), 1 or 3 channels. Each row is first gathered into
    /// two byte rows (left and right neighbour of every output sample), then blended in a loop that vectorizes
    /// (14-bit weights).
    static func horizontalPass2Taps(
        _ src: PlaneView, rows: Range<Int>, kernel: Kernel, into dst: UnsafeMutablePointer<UInt8>, stride: Int,
        scratch: Scratch
    ) {
        let table = src.channels == 3 ? kernel.twoTap3 : kernel.twoTap1
        let n = table.index.count
        let left = scratch.left.bytes(n + 8), right = scratch.right.bytes(n + 8)
        let rowBytes = src.rowBytes
        table.index.withUnsafeBufferPointer { index in
            table.k0.withUnsafeBufferPointer { k0 in
                table.k1.withUnsafeBufferPointer { k1 in
                    for y in rows {
                        let row = src.base + y &* src.stride
                        if src.channels == 3 {
                            gather3(row, rowBytes: rowBytes, index: index, left: left, right: right)
                        } else {
                            for j in 0..<n {
                                let i = Int(index[j])
                                left[j] = row[i]
                                right[j] = row[i &+ 1]
                            }
                        }
                        let d = dst + (y &- rows.lowerBound) &* stride
                        for j in 0..<n {
                            let v = (Int32(left[j]) &* Int32(k0[j]) &+ Int32(right[j]) &* Int32(k1[j]) &+ 8192) &>> 14
                            d[j] = UInt8(truncatingIfNeeded: min(max(v, 0), 255))
                        }
                    }
                }
            }
        }
    }

    /// Both RGB neighbours (6 bytes) of each output sample in one 8-byte load, stored as two 4-byte writes (the
    /// 4th byte is overwritten by the next sample; the gathered rows have slack). Where 8 bytes would run past the
    /// row, byte by byte.
    @inline(__always) private static func gather3(
        _ row: UnsafePointer<UInt8>, rowBytes: Int, index: UnsafeBufferPointer<Int32>,
        left: UnsafeMutablePointer<UInt8>, right: UnsafeMutablePointer<UInt8>
    ) {
        var j = 0
        while j < index.count {
            let i = Int(index[j])
            if i &+ 8 <= rowBytes {
                let both = UInt64(littleEndian: UnsafeRawPointer(row + i).loadUnaligned(as: UInt64.self))
                let l = UInt32(truncatingIfNeeded: both).littleEndian
                let r = UInt32(truncatingIfNeeded: both >> 24).littleEndian
                UnsafeMutableRawPointer(left + j).storeBytes(of: l, as: UInt32.self)
                UnsafeMutableRawPointer(right + j).storeBytes(of: r, as: UInt32.self)
            } else {
                for c in 0..<3 {
                    left[j &+ c] = row[i &+ c]
                    right[j &+ c] = row[i &+ 3 &+ c]
                }
            }
            j &+= 3
        }
    }

    /// Row by row: each output row is a weighted sum of whole input rows (vectorizes well). Row 0 of `src` is
    /// input row `firstRow`; `accumulator` holds at least one output row of integers.
    static func verticalPass(
        _ src: PlaneView, firstRow: Int, kernel: Kernel, into dst: MutablePlaneView,
        accumulator acc: UnsafeMutablePointer<Int32>
    ) {
        // 14-bit weights: pixel × weight products fit in 16 × 16 → 32-bit multiplies, which vectorize (pmaddwd);
        // the rounding differs from 22 bits by far less than one level.
        let taps = kernel.taps
        let rowBytes = dst.width &* dst.channels
        kernel.weights14.withUnsafeBufferPointer { weights in
            for yy in 0..<dst.height {
                let first = Int(kernel.start[yy]) &- firstRow
                let n = Int(kernel.count[yy])
                let w = yy &* taps
                let out = dst.base + yy &* dst.stride
                if n == 2 {
                    let a = src.base + first &* src.stride, b = a + src.stride
                    let k0 = Int32(weights[w]), k1 = Int32(weights[w &+ 1])
                    for i in 0..<rowBytes {
                        let v = (Int32(a[i]) &* k0 &+ Int32(b[i]) &* k1 &+ 8192) &>> 14
                        out[i] = UInt8(truncatingIfNeeded: min(max(v, 0), 255))
                    }
                    continue
                }
                for i in 0..<rowBytes { acc[i] = 8192 }
                for t in 0..<n {
                    let k = Int32(weights[w &+ t])
                    let row = src.base + (first &+ t) &* src.stride
                    for i in 0..<rowBytes { acc[i] = acc[i] &+ Int32(row[i]) &* k }
                }
                for i in 0..<rowBytes { out[i] = UInt8(truncatingIfNeeded: min(max(acc[i] &>> 14, 0), 255)) }
            }
        }
    }
}
