import Foundation

/// A one-hidden-layer perceptron (ReLU) over standardized features, with a softmax or per-output sigmoid head.
struct Network: Codable, Sendable, Equatable {
    enum Head: String, Codable, Sendable {
        /// Mutually exclusive outputs.
        case softmax
        /// Independent outputs.
        case sigmoid
        /// Raw values (regression).
        case linear
    }

    var inputs: Int
    var hidden: Int
    var outputs: Int
    var head: Head
    /// Standardization: `(x - mean) * scale`.
    var mean: [Float]
    var scale: [Float]
    /// `hidden` rows of `inputs` weights.
    var w1: [Float]
    var b1: [Float]
    /// `outputs` rows of `hidden` weights.
    var w2: [Float]
    var b2: [Float]

    /// Output probabilities for one row of raw features.
    func probabilities(_ x: UnsafeBufferPointer<Float>) -> [Float] {
        var standardized = [Float](repeating: 0, count: inputs)
        for i in 0..<inputs { standardized[i] = (x[i] - mean[i]) * scale[i] }
        var h = [Float](repeating: 0, count: hidden)
        var z = [Float](repeating: 0, count: outputs)
        standardized.withUnsafeBufferPointer { xs in
            h.withUnsafeMutableBufferPointer { hs in
                z.withUnsafeMutableBufferPointer { zs in forward(xs.baseAddress!, hs.baseAddress!, zs.baseAddress!) }
            }
        }
        return Self.activate(z, head: head)
    }

    /// Hidden activations and logits of one standardized row.
    func forward(_ x: UnsafePointer<Float>, _ h: UnsafeMutablePointer<Float>, _ z: UnsafeMutablePointer<Float>) {
        w1.withUnsafeBufferPointer { w in
            for j in 0..<hidden {
                let row = w.baseAddress! + j * inputs
                var s = b1[j]
                for i in 0..<inputs { s += row[i] * x[i] }
                h[j] = max(s, 0)
            }
        }
        w2.withUnsafeBufferPointer { w in
            for k in 0..<outputs {
                let row = w.baseAddress! + k * hidden
                var s = b2[k]
                for j in 0..<hidden { s += row[j] * h[j] }
                z[k] = s
            }
        }
    }

    static func activate(_ z: [Float], head: Head) -> [Float] {
        switch head {
        case .linear:
            return z
        case .sigmoid:
            return z.map { 1 / (1 + expf(-$0)) }
        case .softmax:
            let top = z.max() ?? 0
            let e = z.map { expf($0 - top) }
            let sum = e.reduce(0, +)
            return e.map { $0 / sum }
        }
    }

    private enum CodingKeys: String, CodingKey { case inputs, hidden, outputs, head, mean, scale, w1, b1, w2, b2 }

    /// The largest layer a model file may declare.
    static let maxLayerSize = 1 << 16

    init(inputs: Int, hidden: Int, outputs: Int, head: Head, mean: [Float], scale: [Float],
         w1: [Float], b1: [Float], w2: [Float], b2: [Float]) {
        (self.inputs, self.hidden, self.outputs, self.head) = (inputs, hidden, outputs, head)
        (self.mean, self.scale, self.w1, self.b1, self.w2, self.b2) = (mean, scale, w1, b1, w2, b2)
    }

    // Weights are stored as little-endian Float32 bytes (base64 in JSON) so a reload is bit-exact.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func floats(_ key: CodingKeys, _ count: Int) throws -> [Float] {
            let data = try c.decode(Data.self, forKey: key)
            guard data.count == count * 4 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected \(count) floats")
            }
            let values = stride(from: 0, to: data.count, by: 4).map { o in
                Float(bitPattern: UInt32(data[data.startIndex + o]) | UInt32(data[data.startIndex + o + 1]) << 8
                    | UInt32(data[data.startIndex + o + 2]) << 16 | UInt32(data[data.startIndex + o + 3]) << 24)
            }
            // Training never writes NaN or infinity; a file holding one would answer NaN probabilities.
            guard values.allSatisfy(\.isFinite) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "non-finite weights")
            }
            return values
        }
        inputs = try c.decode(Int.self, forKey: .inputs)
        hidden = try c.decode(Int.self, forKey: .hidden)
        outputs = try c.decode(Int.self, forKey: .outputs)
        // Sizes from a file (which may come from anywhere): products of larger ones would overflow and trap.
        guard [inputs, hidden, outputs].allSatisfy({ (1...Self.maxLayerSize).contains($0) }) else {
            throw DecodingError.dataCorruptedError(forKey: .inputs, in: c, debugDescription: "layer sizes out of range")
        }
        head = try c.decode(Head.self, forKey: .head)
        mean = try floats(.mean, inputs)
        scale = try floats(.scale, inputs)
        w1 = try floats(.w1, inputs * hidden)
        b1 = try floats(.b1, hidden)
        w2 = try floats(.w2, hidden * outputs)
        b2 = try floats(.b2, outputs)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        func bytes(_ values: [Float]) -> Data {
            var data = Data(capacity: values.count * 4)
            for v in values {
                let b = v.bitPattern
                data.append(contentsOf: [UInt8(b & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b >> 16 & 0xFF), UInt8(b >> 24)])
            }
            return data
        }
        try c.encode(inputs, forKey: .inputs)
        try c.encode(hidden, forKey: .hidden)
        try c.encode(outputs, forKey: .outputs)
        try c.encode(head, forKey: .head)
        for (key, values) in [(CodingKeys.mean, mean), (.scale, scale), (.w1, w1), (.b1, b1), (.w2, w2), (.b2, b2)] {
            try c.encode(bytes(values), forKey: key)
        }
    }
}
