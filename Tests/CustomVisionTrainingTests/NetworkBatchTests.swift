import CustomVisionCore
import Foundation
import Testing
@testable import CustomVisionTraining

struct NetworkBatchTests {
    /// Where the CPU has AVX the batched side below runs `CSIMDKernels`' kernel: the comparison covers it.
    @Test func theAVXKernelIsUsedExactlyWhereTheCPUHasAVX() throws {
        #if os(Linux) && arch(x86_64)
        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("flags") }.map { " \($0) " } ?? ""
        #expect(Network.hasAVX == flags.contains(" avx "))
        #elseif !arch(x86_64)
        #expect(!Network.hasAVX, "the kernel is an x86-64 one; elsewhere its stub says no")
        #endif
    }

    /// Shapes whose units and outputs span several eight-lane chunks (and rows not a multiple of four).
    @Test(arguments: [(5, 20, 11, 9), (172, 64, 7, 13), (22, 32, 1, 6), (3, 1, 17, 1)])
    func batchedOutputsEqualRowByRowOnesForEveryShape(inputs: Int, hidden: Int, outputs: Int, rows: Int) {
        var rng = SeededRandomGenerator(seed: UInt64(inputs * 1_000 + outputs))
        func values(_ n: Int) -> [Float] { (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) } }
        for head in [Network.Head.softmax, .sigmoid] {
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
            #expect(batched.map(\.bitPattern) == single.map(\.bitPattern), "\(head)")
        }
    }
}
