import Foundation

/// Inference on many rows at once (detection predicts every grid cell): the hidden layer is computed eight units at
/// a time, for four rows at once (four independent sums hide the adds' latency), from a transposed copy of `w1`.
/// Each unit's sum has the same terms added in the same order as ``Network/forward(_:_:_:)`` (separate multiply and
/// add, no fused multiply-add), so the outputs are bit-identical.
extension Network {
    /// Output probabilities of `count` rows of raw features laid end to end: `count * outputs` values.
    func probabilities(rows x: UnsafeBufferPointer<Float>, count: Int) -> [Float] {
        precondition(x.count >= count * inputs, "rows: \(x.count) values for \(count) rows of \(inputs)")
        let chunks = (hidden + 7) / 8
        let weights = UnsafeMutableBufferPointer<SIMD8<Float>>.allocate(capacity: inputs * chunks + chunks)
        defer { weights.deallocate() }
        weights.initialize(repeating: .zero)
        // weights[i * chunks + c] holds input i's weights to hidden units 8c..<8c+8; the last `chunks` are b1.
        for j in 0..<hidden {
            for i in 0..<inputs { weights[i * chunks + j / 8][j % 8] = w1[j * inputs + i] }
            weights[inputs * chunks + j / 8][j % 8] = b1[j]
        }
        // Four rows at a time share each weight load: standardized inputs, hidden units and logits of each.
        let stride = inputs + chunks * 8 + outputs
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: Self.rowsAtOnce * stride)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0)
        var out = [Float](repeating: 0, count: count * outputs)
        mean.withUnsafeBufferPointer { mean in
            scale.withUnsafeBufferPointer { scale in
                w2.withUnsafeBufferPointer { w2 in
                    out.withUnsafeMutableBufferPointer { out in
                        for first in Swift.stride(from: 0, to: count, by: Self.rowsAtOnce) {
                            let block = min(Self.rowsAtOnce, count - first)
                            for r in 0..<block {
                                let row = x.baseAddress! + (first + r) * inputs
                                let xs = scratch.baseAddress! + r * stride
                                for i in 0..<inputs { xs[i] = (row[i] - mean[i]) * scale[i] }
                            }
                            hiddenLayer(scratch.baseAddress!, stride: stride, weights.baseAddress!, chunks: chunks)
                            for r in 0..<block {
                                let h = scratch.baseAddress! + r * stride + inputs
                                let z = h + chunks * 8
                                for k in 0..<outputs {
                                    let wk = w2.baseAddress! + k * hidden
                                    var s = b2[k]
                                    for j in 0..<hidden { s += wk[j] * h[j] }
                                    z[k] = s
                                }
                                let p = out.baseAddress! + (first + r) * outputs
                                Self.activate(z, count: outputs, head: head, into: p)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    static let rowsAtOnce = 4

    /// `h = max(w1 · x + b1, 0)` of the four rows at `scratch + r * stride` (each `inputs` values, then its hidden
    /// units), eight hidden units at a time. (Rows past the last are computed from stale scratch and ignored.)
    private func hiddenLayer(
        _ scratch: UnsafeMutablePointer<Float>, stride: Int, _ weights: UnsafeMutablePointer<SIMD8<Float>>,
        chunks: Int
    ) {
        let (x0, x1, x2, x3) = (scratch, scratch + stride, scratch + 2 * stride, scratch + 3 * stride)
        for c in 0..<chunks {
            var a0 = weights[inputs * chunks + c]
            var (a1, a2, a3) = (a0, a0, a0)
            var w = weights + c
            for i in 0..<inputs {
                let wi = w.pointee
                a0 += SIMD8(repeating: x0[i]) * wi
                a1 += SIMD8(repeating: x1[i]) * wi
                a2 += SIMD8(repeating: x2[i]) * wi
                a3 += SIMD8(repeating: x3[i]) * wi
                w += chunks
            }
            @inline(__always) func store(_ a: SIMD8<Float>, _ x: UnsafeMutablePointer<Float>) {
                UnsafeMutableRawPointer(x + inputs)
                    .storeBytes(of: a.replacing(with: 0, where: a .<= 0), toByteOffset: c * 32, as: SIMD8<Float>.self)
            }
            store(a0, x0)
            store(a1, x1)
            store(a2, x2)
            store(a3, x3)
        }
    }

    /// ``activate(_:head:)`` without allocating: the same operations in the same order.
    static func activate(
        _ z: UnsafeMutablePointer<Float>, count: Int, head: Head, into p: UnsafeMutablePointer<Float>
    ) {
        switch head {
        case .linear:
            for k in 0..<count { p[k] = z[k] }
        case .sigmoid:
            for k in 0..<count { p[k] = 1 / (1 + expf(-z[k])) }
        case .softmax:
            var top = z[0]
            for k in 1..<max(count, 1) where z[k] > top { top = z[k] }
            var sum: Float = 0
            for k in 0..<count {
                p[k] = expf(z[k] - top)
                sum += p[k]
            }
            for k in 0..<count { p[k] /= sum }
        }
    }
}
