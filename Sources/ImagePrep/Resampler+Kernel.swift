import Synchronization

/// The per-axis weights of `Resampler`, computed once per size pair and cached.
extension Resampler {
    /// Kernels by (input size, output size, padded), so a folder of same-sized images computes them once.
    private static let kernels = Mutex<[KernelKey: Kernel]>([:])

    private struct KernelKey: Hashable {
        var inSize: Int
        var outSize: Int
        var padded: Bool
    }

    /// The kernel for one axis, from the cache when there.
    static func kernel(inSize: Int, outSize: Int, padded: Bool = false) -> Kernel {
        let key = KernelKey(inSize: inSize, outSize: outSize, padded: padded)
        if let cached = kernels.withLock({ $0[key] }) { return cached }
        let kernel = Kernel(inSize: inSize, outSize: outSize, padded: padded)
        kernels.withLock { cache in
            if cache.count >= 256 { cache.removeAll(keepingCapacity: true) }
            cache[key] = kernel
        }
        return kernel
    }

    /// Per-output-pixel weights along one axis.
    struct Kernel: Sendable {
        /// First input index for each output index.
        var start: [Int32]
        /// Number of taps for each output index.
        var count: [Int32]
        /// `taps` fixed-point weights per output index (zero-padded).
        var weights: [Int32]
        /// The same weights in 14-bit fixed point (for the vectorized passes).
        var weights14: [Int16]
        var taps: Int
        /// For padded 2-tap kernels (enlarging): per output byte, the input byte offset of the left neighbour
        /// and both weights, for 1 and 3 channels. Empty otherwise.
        var twoTap1 = TwoTapTable(), twoTap3 = TwoTapTable()

        /// Weights that round to zero in fixed point are trimmed from both ends of each window. With `padded`,
        /// every output index gets exactly `taps` taps (window moved inside the input, zero weights filling the
        /// rest), so the horizontal pass can run a fixed-length loop; the caller checks `inSize >= taps`.
        init(inSize: Int, outSize: Int, padded: Bool = false) {
            let scale = Double(inSize) / Double(outSize)
            let filterScale = max(scale, 1)
            let support = filterScale  // the triangle kernel's support is 1 at unit scale
            let maxTaps = Int(support.rounded(.up)) * 2 + 1
            var windows: [(start: Int, fixed: [Int32])] = []
            windows.reserveCapacity(outSize)
            var k = [Double](repeating: 0, count: maxTaps)
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
                var fixed = (0..<n).map { x -> Int32 in
                    let v = (total != 0 ? k[x] / total : 0) * Double(1 << Resampler.precisionBits)
                    return Int32(v < 0 ? v - 0.5 : v + 0.5)
                }
                var first = xmin
                while fixed.count > 1, fixed.first == 0 {
                    fixed.removeFirst()
                    first += 1
                }
                while fixed.count > 1, fixed.last == 0 { fixed.removeLast() }
                windows.append((first, fixed))
            }
            var widest = 1
            for window in windows { widest = max(widest, window.fixed.count) }
            taps = widest
            start = [Int32](repeating: 0, count: outSize)
            count = [Int32](repeating: 0, count: outSize)
            weights = [Int32](repeating: 0, count: outSize * taps)
            for (xx, window) in windows.enumerated() {
                let shift = padded ? max(window.start + taps - inSize, 0) : 0
                for (x, w) in window.fixed.enumerated() { weights[xx * taps + shift + x] = w }
                start[xx] = Int32(window.start - shift)
                count[xx] = Int32(padded ? taps : window.fixed.count)
            }
            weights14 = weights.map { Int16(truncatingIfNeeded: ($0 &+ (1 << 7)) >> 8) }
            if padded && taps == 2 {
                twoTap1 = TwoTapTable(start: start, weights14: weights14, channels: 1)
                twoTap3 = TwoTapTable(start: start, weights14: weights14, channels: 3)
            }
        }

        /// Calls `body` with pointers to the weights, starts and counts (valid only inside `body`).
        func withPointers(
            _ body: (UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Int32>) -> Void
        ) {
            weights.withUnsafeBufferPointer { w in
                start.withUnsafeBufferPointer { s in
                    count.withUnsafeBufferPointer { c in
                        guard let w0 = w.baseAddress, let s0 = s.baseAddress, let c0 = c.baseAddress else { return }
                        body(w0, s0, c0)
                    }
                }
            }
        }
    }

    /// The 2-tap pass's per-byte gather offsets and weights.
    struct TwoTapTable: Sendable {
        var index: [Int32] = []
        var k0: [Int16] = []
        var k1: [Int16] = []

        init() {}

        init(start: [Int32], weights14: [Int16], channels: Int) {
            let n = start.count * channels
            index = (0..<n).map { start[$0 / channels] * Int32(channels) + Int32($0 % channels) }
            k0 = (0..<n).map { weights14[2 * ($0 / channels)] }
            k1 = (0..<n).map { weights14[2 * ($0 / channels) + 1] }
        }
    }
}
