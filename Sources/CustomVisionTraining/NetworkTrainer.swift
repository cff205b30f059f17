import CustomVisionCore
import Foundation

/// Rows of features with their targets.
struct LabeledMatrix: Sendable {
    enum Targets: Sendable {
        /// One class per row (softmax).
        case classes([Int])
        /// `outputs` 0/1 values per row (sigmoids).
        case labels([Float])
        /// `outputs` real values per row (linear outputs, squared loss).
        case values([Float])
    }

    var columns: Int
    var values: [Float]
    var targets: Targets
    var outputs: Int
    var rows: Int { columns > 0 ? values.count / columns : 0 }
}

/// Trains a ``Network`` with mini-batch AdamW, a cosine learning-rate schedule and class weighting; the batch's
/// gradient is split over two workers and summed in a fixed order, so results are deterministic for a seed.
struct NetworkTrainer {
    var hidden = 64
    var epochs = 20
    var batchSize = 128
    var learningRate: Float = 2e-3
    var weightDecay: Float = 1e-4
    /// Exponent of the inverse class frequency used as a loss weight (0: unweighted, 1: fully balanced).
    var balance: Float = 0.5
    var seed: UInt64 = 0
    /// Stop after this many epochs without a better validation loss (with a validation set).
    var patience = 4
    var deadline: ContinuousClock.Instant?

    /// Trains on `rows` of `data`; with `validation` rows, keeps the epoch of lowest validation loss.
    func train(
        _ data: LabeledMatrix, rows: [Int], validation: [Int] = [],
        progress: (Double) -> Void = { _ in }
    ) throws -> Network {
        let d = data.columns
        let k = data.outputs
        var rng = SeededRandomGenerator(seed: seed ^ 0x5EED)
        let (mean, scale) = Self.standardization(data, rows: rows)
        let head: Network.Head = switch data.targets {
        case .classes: .softmax
        case .labels: .sigmoid
        case .values: .linear
        }
        let limit1 = (6 / Float(d)).squareRoot()
        let limit2 = (6 / Float(hidden + k)).squareRoot()
        var net = Network(
            inputs: d, hidden: hidden, outputs: k, head: head, mean: mean, scale: scale,
            w1: (0..<(d * hidden)).map { _ in Float(rng.nextUnit() * 2 - 1) * limit1 },
            b1: [Float](repeating: 0.01, count: hidden),
            w2: (0..<(hidden * k)).map { _ in Float(rng.nextUnit() * 2 - 1) * limit2 },
            b2: [Float](repeating: 0, count: k))
        let weights = classWeights(data, rows: rows)
        var optimizer = AdamW(count: net.w1.count + net.b1.count + net.w2.count + net.b2.count)
        var order = rows
        let steps = max(epochs * ((rows.count + batchSize - 1) / batchSize), 1)
        var step = 0
        var best: (loss: Float, net: Network)?
        var stale = 0
        for epoch in 0..<epochs {
            try Task.checkCancellation()
            if let deadline, ContinuousClock.now >= deadline, best != nil || epoch > 0 { break }
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextIndex(i + 1)) }
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let batch = Array(order[start..<min(start + batchSize, order.count)])
                var grad = Gradient.compute(net, data: data, rows: batch, weights: weights)
                let lr = learningRate * 0.5 * (1 + cosf(Float.pi * Float(step) / Float(steps)))
                grad.scale(1 / Float(batch.count))
                optimizer.update(&net, grad: grad, lr: lr, decay: weightDecay)
                step += 1
            }
            progress(Double(epoch + 1) / Double(epochs))
            guard !validation.isEmpty else { continue }
            let loss = Gradient.loss(net, data: data, rows: validation)
            if loss < (best?.loss ?? .infinity) {
                best = (loss, net)
                stale = 0
            } else {
                stale += 1
                if stale >= patience { break }
            }
        }
        return best?.net ?? net
    }

    static func standardization(_ data: LabeledMatrix, rows: [Int]) -> (mean: [Float], scale: [Float]) {
        let d = data.columns
        var sum = [Double](repeating: 0, count: d)
        var sq = [Double](repeating: 0, count: d)
        data.values.withUnsafeBufferPointer { v in
            for r in rows {
                for i in 0..<d {
                    let x = Double(v[r * d + i])
                    sum[i] += x
                    sq[i] += x * x
                }
            }
        }
        let n = Double(max(rows.count, 1))
        let mean = sum.map { Float($0 / n) }
        let scale = (0..<d).map { i -> Float in
            let variance = max(sq[i] / n - (sum[i] / n) * (sum[i] / n), 0)
            return variance > 1e-12 ? Float(1 / variance.squareRoot()) : 0
        }
        return (mean, scale)
    }

    /// Per-output loss weights, `(frequency / mean frequency)^-balance`, normalized to mean 1 over present outputs.
    func classWeights(_ data: LabeledMatrix, rows: [Int]) -> [Float] {
        guard case .classes(let classes) = data.targets, balance > 0 else {
            return [Float](repeating: 1, count: data.outputs)
        }
        var counts = [Float](repeating: 0, count: data.outputs)
        for r in rows { counts[classes[r]] += 1 }
        let present = counts.filter { $0 > 0 }
        let mean = present.reduce(0, +) / Float(max(present.count, 1))
        var w = counts.map { $0 > 0 ? powf($0 / mean, -balance) : 0 }
        let wMean = zip(w, counts).map { $0 * $1 }.reduce(0, +) / Float(max(rows.count, 1))
        if wMean > 0 { w = w.map { $0 / wMean } }
        return w
    }
}

/// Adam with decoupled weight decay over the network's parameters, in the order w1, b1, w2, b2.
struct AdamW {
    var m: [Float]
    var v: [Float]
    var t: Float = 0

    init(count: Int) {
        m = [Float](repeating: 0, count: count)
        v = m
    }

    mutating func update(_ net: inout Network, grad: Gradient, lr: Float, decay: Float) {
        t += 1
        let c1 = 1 - powf(0.9, t)
        let c2 = 1 - powf(0.999, t)
        var offset = 0
        func apply(_ params: inout [Float], _ g: [Float], decays: Bool) {
            for i in 0..<params.count {
                let o = offset + i
                m[o] = 0.9 * m[o] + 0.1 * g[i]
                v[o] = 0.999 * v[o] + 0.001 * g[i] * g[i]
                let stepSize = lr * (m[o] / c1) / ((v[o] / c2).squareRoot() + 1e-8)
                params[i] -= stepSize + (decays ? lr * decay * params[i] : 0)
            }
            offset += params.count
        }
        apply(&net.w1, grad.w1, decays: true)
        apply(&net.b1, grad.b1, decays: false)
        apply(&net.w2, grad.w2, decays: true)
        apply(&net.b2, grad.b2, decays: false)
    }
}
