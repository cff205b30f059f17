/// Separable convolution resampling with a triangle (bilinear) kernel whose support grows with the reduction
/// factor: an antialiased filter when shrinking, plain bilinear interpolation when enlarging. Weights are computed
/// once per axis and applied in 22-bit fixed point, the scheme Pillow's `resize(…, BILINEAR)` uses, so results
/// match that reference to within rounding.
enum Resampler {
    private static let precisionBits = 22

    /// Per-output-pixel weights along one axis.
    struct Kernel {
        /// First input index for each output index.
        var start: [Int32]
        /// Number of taps for each output index.
        var count: [Int32]
        /// `taps` fixed-point weights per output index (zero-padded).
        var weights: [Int32]
        var taps: Int

        init(inSize: Int, outSize: Int) {
            let scale = Double(inSize) / Double(outSize)
            let filterScale = max(scale, 1)
            let support = filterScale  // the triangle kernel's support is 1 at unit scale
            taps = Int(support.rounded(.up)) * 2 + 1
            start = [Int32](repeating: 0, count: outSize)
            count = [Int32](repeating: 0, count: outSize)
            weights = [Int32](repeating: 0, count: outSize * taps)
            var k = [Double](repeating: 0, count: taps)
            for xx in 0..<outSize {
                let center = (Double(xx) + 0.5) * scale
                let xmin = max(Int(center - support + 0.5), 0)
                let xmax = min(Int(center + support + 0.5), inSize)
                let n = max(xmax - xmin, 0)
                var total = 0.0
                for x in 0..<n {
                    let w = max(1 - abs((Double(x + xmin) - center + 0.5) / filterScale), 0)
                    k[x] = w
                    total += w
                }
                for x in 0..<n {
                    let normalized = total != 0 ? k[x] / total : 0
                    let fixed = normalized * Double(1 << Resampler.precisionBits)
                    weights[xx * taps + x] = Int32(fixed < 0 ? fixed - 0.5 : fixed + 0.5)
                }
                start[xx] = Int32(xmin)
                count[xx] = Int32(n)
            }
        }
    }

    /// Resizes `image` to `width` × `height`.
    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if image.width == width && image.height == height { return image }
        let vertical = image.height == height ? nil : Kernel(inSize: image.height, outSize: height)
        let rows = vertical.map(rowsRead) ?? 0..<image.height
        let wide: [UInt8]
        if image.width == width {
            let stride = width * 3
            wide = rows == 0..<image.height
                ? image.pixels : Array(image.pixels[rows.lowerBound * stride..<rows.upperBound * stride])
        } else {
            let horizontal = Kernel(inSize: image.width, outSize: width)
            wide = [UInt8](unsafeUninitializedCapacity: rows.count * width * 3) { buffer, count in
                image.pixels.withUnsafeBufferPointer { src in
                    horizontalPass(src, inWidth: image.width, rows: rows, kernel: horizontal, into: buffer)
                }
                count = rows.count * width * 3
            }
        }
        guard let vertical else { return RGBImage(width: width, height: height, pixels: wide) }
        let out = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
            wide.withUnsafeBufferPointer { src in
                verticalPass(src, rowOffset: rows.lowerBound, width: width, kernel: vertical, into: buffer)
            }
            count = width * height * 3
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// The input rows a vertical kernel reads (only those need the horizontal pass).
    private static func rowsRead(by kernel: Kernel) -> Range<Int> {
        let last = kernel.start.count - 1
        return Int(kernel.start[0])..<Int(kernel.start[last] + kernel.count[last])
    }

    @inline(__always) private static func clip8(_ v: Int32) -> UInt8 {
        let shifted = v >> Int32(precisionBits)
        return shifted < 0 ? 0 : (shifted > 255 ? 255 : UInt8(truncatingIfNeeded: shifted))
    }

    private static func horizontalPass(
        _ src: UnsafeBufferPointer<UInt8>, inWidth: Int, rows: Range<Int>, kernel: Kernel,
        into dst: UnsafeMutableBufferPointer<UInt8>
    ) {
        let outWidth = kernel.start.count
        let taps = kernel.taps
        let half = Int32(1 << (precisionBits - 1))
        kernel.weights.withUnsafeBufferPointer { weights in
            kernel.start.withUnsafeBufferPointer { starts in
                kernel.count.withUnsafeBufferPointer { counts in
                    var d = 0
                    for y in rows {
                        let row = y * inWidth * 3
                        for xx in 0..<outWidth {
                            var r = half, g = half, b = half
                            var s = row &+ Int(starts[xx]) &* 3
                            let w = xx &* taps
                            for t in 0..<Int(counts[xx]) {
                                let k = weights[w &+ t]
                                r = r &+ Int32(src[s]) &* k
                                g = g &+ Int32(src[s &+ 1]) &* k
                                b = b &+ Int32(src[s &+ 2]) &* k
                                s = s &+ 3
                            }
                            dst[d] = clip8(r)
                            dst[d &+ 1] = clip8(g)
                            dst[d &+ 2] = clip8(b)
                            d = d &+ 3
                        }
                    }
                }
            }
        }
    }

    private static func verticalPass(
        _ src: UnsafeBufferPointer<UInt8>, rowOffset: Int, width: Int, kernel: Kernel,
        into dst: UnsafeMutableBufferPointer<UInt8>
    ) {
        let outHeight = kernel.start.count
        let taps = kernel.taps
        let stride = width * 3
        let half = Int32(1 << (precisionBits - 1))
        var acc = [Int32](repeating: 0, count: stride)
        kernel.weights.withUnsafeBufferPointer { weights in
            acc.withUnsafeMutableBufferPointer { acc in
                for yy in 0..<outHeight {
                    for i in 0..<stride { acc[i] = half }
                    let first = Int(kernel.start[yy]) - rowOffset
                    for t in 0..<Int(kernel.count[yy]) {
                        let k = weights[yy &* taps &+ t]
                        let row = (first &+ t) &* stride
                        for i in 0..<stride { acc[i] = acc[i] &+ Int32(src[row &+ i]) &* k }
                    }
                    let out = yy &* stride
                    for i in 0..<stride { dst[out &+ i] = clip8(acc[i]) }
                }
            }
        }
    }
}
