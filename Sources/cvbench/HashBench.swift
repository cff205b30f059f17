import CustomVisionCore
import Foundation

/// `cvbench hash [--megabytes 64] [--chunk 16384] [--repeat 5]`
///
/// Hashes `--megabytes` of pseudo-random bytes as separate `--chunk`-byte messages (16 KB: a NEU-DET image, which
/// cvctl's journal and cvserver's blob store each hash whole) with `SHA256`'s portable Swift path and with its
/// default path (the SHA extensions where the CPU has them), alternating the two, best of `--repeat` runs each.
/// Prints one JSON line per path and a last one with the ratio:
/// `{"tool":"sha256-portable"|"sha256","megabytes":…,"chunk":…,"seconds":…,"megabytesPerSecond":…}`,
/// `{"tool":"sha256-ratio","accelerated":…,"ratio":…}`.
enum HashBench {
    static func run(_ args: [String]) async throws {
        var megabytes = 64, chunk = 16_384, repeats = 5
        var rest = args[...]
        while let arg = rest.popFirst() {
            guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else {
                throw PrepBench.BenchError("usage: cvbench hash [--megabytes 64] [--chunk 16384] [--repeat 5]")
            }
            switch arg {
            case "--megabytes": megabytes = value
            case "--chunk": chunk = value
            case "--repeat": repeats = value
            default: throw PrepBench.BenchError("unknown option \(arg)")
            }
        }
        var generator = SeededRandomGenerator(seed: 42)
        let data = (0..<(megabytes << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }

        var best = [Double.infinity, Double.infinity]
        var digests: [[UInt8]] = [[], []]
        for _ in 0..<repeats {
            for (index, portable) in [true, false].enumerated() {
                let start = ContinuousClock.now
                digests[index] = hashChunks(data, chunk: chunk, portable: portable)
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                best[index] = min(best[index], seconds)
            }
        }
        guard digests[0] == digests[1] else { throw PrepBench.BenchError("the two paths disagree") }
        for (tool, seconds) in zip(["sha256-portable", "sha256"], best) {
            let rate = Double(data.count) / 1_048_576 / seconds
            printLine([
                "tool": tool, "megabytes": megabytes, "chunk": chunk, "seconds": seconds, "megabytesPerSecond": rate,
            ])
        }
        printLine(["tool": "sha256-ratio", "accelerated": SHA256.isAccelerationAvailable, "ratio": best[0] / best[1]])
    }

    /// Hashes each `chunk`-byte piece of `data` as its own message; returns the XOR of the digests, so the work is
    /// used and the two paths can be compared.
    private static func hashChunks(_ data: [UInt8], chunk: Int, portable: Bool) -> [UInt8] {
        var combined = [UInt8](repeating: 0, count: 32)
        data.withUnsafeBytes { raw in
            for start in stride(from: 0, to: raw.count, by: chunk) {
                var hasher = SHA256(forcePortable: portable)
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[start..<min(start + chunk, raw.count)]))
                for (i, byte) in hasher.finalize().enumerated() { combined[i] ^= byte }
            }
        }
        return combined
    }

    private static func printLine(_ object: [String: Any]) {
        guard let json = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        print(String(decoding: json, as: UTF8.self))
    }
}
