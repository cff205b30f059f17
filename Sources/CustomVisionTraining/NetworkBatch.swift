import CSIMDKernels
import Foundation

/// Inference on many rows at once (detection predicts every grid cell): both layers are computed eight units at a
/// time, for four rows at once (independent sums hide the adds' latency), from transposed copies of the weights.
/// Each unit's sum has the same terms added in the same order as ``Network/forward(_:_:_:)`` (separate multiply and
/// add, no fused multiply-add), so the outputs are bit-identical.
extension Network {
    /// Output probabilities of `count` rows of raw features laid end to end: `count * outputs` values.
    func probabilities(rows x: UnsafeBufferPointer<Float>, count: Int) -> [Float] {
        precondition(x.count >= count * inputs, "rows: \(x.count) values for \(count) rows of \(inputs)")
        let (chunks, outChunks) = ((hidden + 7) / 8, (outputs + 7) / 8)
        let first = Self.transposed(w1, units: hidden, inputs: inputs, bias: b1)
        let second = Self.transposed(w2, units: outputs, inputs: hidden, bias: b2)
        defer {
            first.deallocate()
            second.deallocate()
        }
        // Four rows at a time share each weight load: standardized inputs, hidden units and logits of each.
        let (hiddenAt, logitsAt) = (inputs, inputs + chunks * 8)
        let stride = logitsAt + outChunks * 8
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: Self.rowsAtOnce * stride)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0)
        var out = [Float](repeating: 0, count: count * outputs)
        mean.withUnsafeBufferPointer { mean in
            scale.withUnsafeBufferPointer { scale in
                out.withUnsafeMutableBufferPointer { out in
                    for start in Swift.stride(from: 0, to: count, by: Self.rowsAtOnce) {
                        let block = min(Self.rowsAtOnce, count - start)
                        for r in 0..<block {
                            let row = x.baseAddress! + (start + r) * inputs
                            let xs = scratch.baseAddress! + r * stride
                            for i in 0..<inputs { xs[i] = (row[i] - mean[i]) * scale[i] }
                        }
                        Self.layer(scratch.baseAddress!, stride: stride, from: 0, count: inputs, first.baseAddress!,
                                   chunks: chunks, to: hiddenAt, relu: true)
                        Self.layer(scratch.baseAddress!, stride: stride, from: hiddenAt, count: hidden,
                                   second.baseAddress!, chunks: outChunks, to: logitsAt, relu: false)
                        for r in 0..<block {
                            Self.activate(scratch.baseAddress! + r * stride + logitsAt, count: outputs, head: head,
                                          into: out.baseAddress! + (start + r) * outputs)
                        }
                    }
                }
            }
        }
        return out
    }

    static let rowsAtOnce = 4
    /// Whether `layer` runs the AVX kernel of `CSIMDKernels` (same operations, same order, same bits).
    static let hasAVX = cvk_avx_available()

    /// `weights` (`units` rows of `inputs`) transposed into eight-unit lanes: element `i * chunks + c` holds input
    /// i's weights to units 8c..<8c+8 (zero past the last unit); the last `chunks` elements are `bias`.
    private static func transposed(
        _ weights: [Float], units: Int, inputs: Int, bias: [Float]
    ) -> UnsafeMutableBufferPointer<SIMD8<Float>> {
        let chunks = (units + 7) / 8
        let out = UnsafeMutableBufferPointer<SIMD8<Float>>.allocate(capacity: inputs * chunks + chunks)
        out.initialize(repeating: .zero)
        for j in 0..<units {
            for i in 0..<inputs { out[i * chunks + j / 8][j % 8] = weights[j * inputs + i] }
            out[inputs * chunks + j / 8][j % 8] = bias[j]
        }
        return out
    }

    /// One layer of the four rows at `scratch + r * stride`: from the `count` values at offset `from`, each unit's
    /// `bias + Σ weight · value` (added in input order), eight units at a time, written from offset `to` (ReLU'd when
    /// `relu`). Rows past the last are computed from stale scratch and ignored.
    private static func layer(
        _ scratch: UnsafeMutablePointer<Float>, stride: Int, from: Int, count: Int,
        _ weights: UnsafeMutablePointer<SIMD8<Float>>, chunks: Int, to: Int, relu: Bool
    ) {
        if hasAVX {
            // The same loop on 256-bit registers (the default x86-64 target has only 128-bit SSE2).
            cvk_layer4_avx(scratch, stride, from, count, UnsafeRawPointer(weights).assumingMemoryBound(to: Float.self),
                           chunks, to, relu)
            return
        }
        let x0 = scratch + from
        let (x1, x2, x3) = (x0 + stride, x0 + 2 * stride, x0 + 3 * stride)
        for c in 0..<chunks {
            var a0 = weights[count * chunks + c]
            var (a1, a2, a3) = (a0, a0, a0)
            var w = weights + c
            for i in 0..<count {
                let wi = w.pointee
                a0 += SIMD8(repeating: x0[i]) * wi
                a1 += SIMD8(repeating: x1[i]) * wi
                a2 += SIMD8(repeating: x2[i]) * wi
                a3 += SIMD8(repeating: x3[i]) * wi
                w += chunks
            }
            @inline(__always) func store(_ a: SIMD8<Float>, _ row: Int) {
                UnsafeMutableRawPointer(scratch + row * stride + to).storeBytes(
                    of: relu ? a.replacing(with: 0, where: a .<= 0) : a, toByteOffset: c * 32, as: SIMD8<Float>.self)
            }
            store(a0, 0)
            store(a1, 1)
            store(a2, 2)
            store(a3, 3)
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
