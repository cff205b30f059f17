import Foundation

/// The summed loss gradient of a batch, by back-propagation.
struct Gradient {
    var w1: [Float]
    var b1: [Float]
    var w2: [Float]
    var b2: [Float]

    init(_ net: Network) {
        w1 = [Float](repeating: 0, count: net.w1.count)
        b1 = [Float](repeating: 0, count: net.b1.count)
        w2 = [Float](repeating: 0, count: net.w2.count)
        b2 = [Float](repeating: 0, count: net.b2.count)
    }

    mutating func scale(_ s: Float) {
        for i in w1.indices { w1[i] *= s }
        for i in b1.indices { b1[i] *= s }
        for i in w2.indices { w2[i] *= s }
        for i in b2.indices { b2[i] *= s }
    }

    mutating func add(_ other: Gradient) {
        for i in w1.indices { w1[i] += other.w1[i] }
        for i in b1.indices { b1[i] += other.b1[i] }
        for i in w2.indices { w2[i] += other.w2[i] }
        for i in b2.indices { b2[i] += other.b2[i] }
    }

    /// The gradient of the weighted loss summed over `rows`, computed by two workers on halves of the rows.
    static func compute(_ net: Network, data: LabeledMatrix, rows: [Int], weights: [Float]) -> Gradient {
        let half = (rows.count + 1) / 2
        let parts = [Array(rows[..<half]), Array(rows[half...])]
        let results = UnsafeMutableBufferPointer<Gradient>.allocate(capacity: 2)
        defer { results.deallocate() }
        parallelFor(2) { w in
            var g = Gradient(net)
            g.accumulate(net, data: data, rows: parts[w], weights: weights)
            (results.baseAddress! + w).initialize(to: g)
        }
        var total = (results.baseAddress!).move()
        total.add((results.baseAddress! + 1).move())
        return total
    }

    /// Mean unweighted loss over `rows` (cross-entropy or binary cross-entropy).
    static func loss(_ net: Network, data: LabeledMatrix, rows: [Int]) -> Float {
        var total: Float = 0
        data.values.withUnsafeBufferPointer { v in
            for r in rows {
                let row = v[(r * data.columns)..<((r + 1) * data.columns)]
                let p = net.probabilities(UnsafeBufferPointer(rebasing: row))
                switch data.targets {
                case .classes(let classes):
                    total -= logf(max(p[classes[r]], 1e-7))
                case .values(let values):
                    for k in 0..<data.outputs {
                        let e = p[k] - values[r * data.outputs + k]
                        total += 0.5 * e * e
                    }
                case .labels(let labels):
                    for k in 0..<data.outputs {
                        let t = labels[r * data.outputs + k]
                        total -= t * logf(max(p[k], 1e-7)) + (1 - t) * logf(max(1 - p[k], 1e-7))
                    }
                }
            }
        }
        return total / Float(max(rows.count, 1))
    }

    private mutating func accumulate(_ net: Network, data: LabeledMatrix, rows: [Int], weights: [Float]) {
        let d = net.inputs
        let hN = net.hidden
        let kN = net.outputs
        var x = [Float](repeating: 0, count: d)
        var h = [Float](repeating: 0, count: hN)
        var z = [Float](repeating: 0, count: kN)
        var gw1 = w1
        var gw2 = w2
        var gb1 = b1
        var gb2 = b2
        data.values.withUnsafeBufferPointer { v in
            x.withUnsafeMutableBufferPointer { xs in
                h.withUnsafeMutableBufferPointer { hs in
                    z.withUnsafeMutableBufferPointer { zs in
                        gw1.withUnsafeMutableBufferPointer { g1 in
                            for r in rows {
                                let row = v.baseAddress! + r * d
                                for i in 0..<d { xs[i] = (row[i] - net.mean[i]) * net.scale[i] }
                                net.forward(xs.baseAddress!, hs.baseAddress!, zs.baseAddress!)
                                var dz = Network.activate(Array(zs), head: net.head)
                                switch data.targets {
                                case .classes(let classes):
                                    let c = classes[r]
                                    dz[c] -= 1
                                    for k in 0..<kN { dz[k] *= weights[c] }
                                case .labels(let targets), .values(let targets):
                                    for k in 0..<kN { dz[k] -= targets[r * kN + k] }
                                }
                                for k in 0..<kN {
                                    gb2[k] += dz[k]
                                    for j in 0..<hN { gw2[k * hN + j] += dz[k] * hs[j] }
                                }
                                for j in 0..<hN where hs[j] > 0 {
                                    var s: Float = 0
                                    for k in 0..<kN { s += dz[k] * net.w2[k * hN + j] }
                                    gb1[j] += s
                                    let g = g1.baseAddress! + j * d
                                    for i in 0..<d { g[i] += s * xs[i] }
                                }
                            }
                        }
                    }
                }
            }
        }
        (w1, w2, b1, b2) = (gw1, gw2, gb1, gb2)
    }
}
