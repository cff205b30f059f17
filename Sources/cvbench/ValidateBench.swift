import Foundation
import ImagePrep

/// `cvbench validate <folder> [--limit N] [--repeat 5]`
///
/// The check cvserver runs on every uploaded image: `ImageDecoder.validate` (a baseline JPEG's entropy data read
/// in full by `JPEGDCDecoder`, AC coefficients skipped) against the baseline it replaced, libjpeg-turbo decoding
/// the file at its smallest DCT scale (`ImageDecoder.decode` with a 1×1 minimum size, which also reads every
/// block). The files are read into memory first; both run on one thread, alternating, best of `--repeat` runs.
/// Prints one JSON line per tool and a last one with the ratio:
/// `{"tool":"validate"|"libjpeg-1/8","images":…,"megabytes":…,"seconds":…,"megabytesPerSecond":…}`,
/// `{"tool":"validate-ratio","ratio":…}`.
enum ValidateBench {
    static func run(_ args: [String]) async throws {
        var folder = "", limit = Int.max, repeats = 5
        var rest = args[...]
        while let arg = rest.popFirst() {
            switch arg {
            case "--limit", "--repeat":
                guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else {
                    throw PrepBench.BenchError("\(arg) needs a positive number")
                }
                if arg == "--limit" { limit = value } else { repeats = value }
            default: folder = arg
            }
        }
        guard !folder.isEmpty else { throw PrepBench.BenchError("usage: cvbench validate <folder> [--limit N]") }
        let url = URL(fileURLWithPath: folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
            .filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted().prefix(limit)
        let files = try names.map { [UInt8](try Data(contentsOf: url.appendingPathComponent($0))) }
        guard !files.isEmpty else { throw PrepBench.BenchError("no JPEG or PNG files in \(url.path)") }
        let megabytes = Double(files.reduce(0) { $0 + $1.count }) / 1_048_576

        let tools: [(String, ([UInt8]) throws -> Int)] = [
            ("validate", { try ImageDecoder.validate($0).width }),
            ("libjpeg-1/8", { try ImageDecoder.decode($0, options: DecodeOptions(minimumSize: (1, 1))).width }),
        ]
        var best = [Double](repeating: .infinity, count: tools.count)
        var accepted = [Int](repeating: 0, count: tools.count)
        for _ in 0..<repeats {
            for (index, tool) in tools.enumerated() {
                let start = ContinuousClock.now
                var ok = 0
                for file in files where (try? tool.1(file)) != nil { ok += 1 }
                let elapsed = ContinuousClock.now - start
                best[index] = min(best[index], Double(elapsed.components.seconds)
                    + Double(elapsed.components.attoseconds) * 1e-18)
                accepted[index] = ok
            }
        }
        guard accepted[0] == accepted[1] else {
            throw PrepBench.BenchError("the two checks disagree: \(accepted[0]) vs \(accepted[1]) files accepted")
        }
        for (index, tool) in tools.enumerated() {
            printLine([
                "tool": tool.0, "images": files.count, "accepted": accepted[index], "megabytes": megabytes,
                "seconds": best[index], "megabytesPerSecond": megabytes / best[index],
            ])
        }
        printLine(["tool": "validate-ratio", "ratio": best[1] / best[0]])
    }

    private static func printLine(_ object: [String: Any]) {
        guard let json = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        print(String(decoding: json, as: UTF8.self))
    }
}
