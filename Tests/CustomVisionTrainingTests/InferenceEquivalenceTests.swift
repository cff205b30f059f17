import CVTestSupport
import CustomVisionCore
import Foundation
import ImagePrep
import Testing
@testable import CustomVisionTraining

/// The optimized inference path against the build before it: the same tags, boxes and probabilities.
///
/// The fast paths add the same terms in the same order as the code they replaced, so today the results are
/// bit-identical; the tolerance, 1e-6 on probabilities and normalized box edges, only leaves room for a compiler
/// reordering a sum.
struct GoldenDetectionTests {
    static let tolerance = 1e-6

    @Test func detectorPredictsAsThePreOptimizationBuildOnHeldOutFixtures() throws {
        let file = try #require(Data(base64Encoded: GoldenDetection.model, options: .ignoreUnknownCharacters))
        let model = try TrainedModel(serialized: file)
        let golden = try JSONDecoder().decode(
            [String: [ModelPrediction]].self, from: Data(GoldenDetection.predictions.utf8))
        #expect(golden.count == 9)
        let folder = FixturePaths.fixture("neu-det-mini/heldout/IMAGES")
        for (name, expected) in golden.sorted(by: { $0.key < $1.key }) {
            let image = try ImageDecoder.decode([UInt8](Data(contentsOf: folder.appendingPathComponent(name))))
            let predicted = model.predict(image)
            #expect(!expected.isEmpty)
            #expect(predicted.map(\.tag) == expected.map(\.tag), "\(name): tags in order")
            for (p, e) in zip(predicted, expected) {
                #expect(abs(p.probability - e.probability) <= Self.tolerance, "\(name): \(p) vs \(e)")
                let (a, b) = (try #require(p.box), try #require(e.box))
                let edges = [a.left - b.left, a.top - b.top, a.width - b.width, a.height - b.height]
                #expect(edges.allSatisfy { abs($0) <= Self.tolerance }, "\(name): \(a) vs \(b)")
            }
        }
    }

    @Test func concurrentPredictionsOnOneModelMatchSerialOnes() async throws {
        let file = try #require(Data(base64Encoded: GoldenDetection.model, options: .ignoreUnknownCharacters))
        let model = try TrainedModel(serialized: file)
        let images = (0..<6).map { Synthetic.squares(seed: 5_000 + UInt64($0), side: 200).0 }
        let serial = images.map { model.predict($0) }
        let concurrent = await withTaskGroup(of: (Int, [ModelPrediction]).self) { group in
            for (i, image) in images.enumerated() { group.addTask { (i, model.predict(image)) } }
            var out = [[ModelPrediction]](repeating: [], count: images.count)
            for await (i, p) in group { out[i] = p }
            return out
        }
        #expect(concurrent == serial)
        #expect(serial.contains { !$0.isEmpty })
    }
}

struct FastInferencePrimitiveTests {
    @Test func orientationBinsMatchAtan2OnAxesDiagonalsAndRandomGradients() {
        var cases: [(Float, Float)] = [(0, 0), (-0.0, 0), (0, -0.0), (-0.0, -0.0), (1, 0), (-1, 0), (0, 1), (0, -1),
                                       (-0.0, 1), (-0.0, -1), (1, -0.0), (-1, -0.0)]
        for gx in -24...24 {
            for gy in -24...24 { cases.append((Float(gx), Float(gy))) }
        }
        // Differences of gray levels as Planes computes them (weighted sums of 8-bit values).
        for a in stride(from: 0, through: 255, by: 17) {
            for b in stride(from: 0, through: 255, by: 23) {
                let (ga, gb) = (0.299 * Float(a) + 0.587 * Float(b), 0.587 * Float(a) + 0.114 * Float(b))
                cases += [(ga - gb, gb - ga), (ga - gb, ga - gb), (gb, -ga), (ga, 0.299 * Float(b))]
            }
        }
        var rng = SeededRandomGenerator(seed: 11)
        for _ in 0..<20_000 {
            cases.append((Float(rng.nextUnit() * 400 - 200), Float(rng.nextUnit() * 400 - 200)))
        }
        let mismatches = cases.filter {
            TextureMaps.orientationBin($0.0, $0.1) != TextureMaps.referenceBin($0.0, $0.1)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test(arguments: [Network.Head.softmax, .sigmoid, .linear])
    func batchedNetworkOutputsEqualRowByRowOnes(head: Network.Head) {
        var rng = SeededRandomGenerator(seed: 3)
        func values(_ n: Int) -> [Float] { (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) } }
        // 13 hidden units: not a multiple of the 8 computed at a time.
        let (inputs, hidden, outputs, rows) = (21, 13, 4, 37)
        let net = Network(inputs: inputs, hidden: hidden, outputs: outputs, head: head, mean: values(inputs),
                          scale: values(inputs), w1: values(inputs * hidden), b1: values(hidden),
                          w2: values(hidden * outputs), b2: values(outputs))
        let x = values(inputs * rows)
        let batched = x.withUnsafeBufferPointer { net.probabilities(rows: $0, count: rows) }
        let single = x.withUnsafeBufferPointer { x in
            (0..<rows).flatMap { r in
                net.probabilities(UnsafeBufferPointer(rebasing: x[(r * inputs)..<((r + 1) * inputs)]))
            }
        }
        #expect(batched == single)
    }
}
