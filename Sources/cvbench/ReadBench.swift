import CustomVisionDatasets
import Dispatch
import Foundation

/// `cvbench read <dataset>… [--format voc] [--repeat 5] [--no-headers] [--verify]`
///
/// Reads each dataset with `DatasetReader` (format detected unless given) `--repeat` times after one warm-up read,
/// and prints one JSON line per dataset with the best run:
/// `{"tool":"datasetread","label":…,"images":…,"regions":…,"findings":…,"fingerprint":…,"seconds":…,
/// "cpuSeconds":…}`. `--verify` adds `DatasetVerifier.verify` with the options `cvctl upload` uses (labels and tags
/// only) to each timed read. The fingerprint is a hash of the descriptions of the dataset, the findings and the
/// report, so two builds can be shown to read a dataset identically; CPU seconds are what the read costs on a
/// shared machine.
enum ReadBench {
    struct Options {
        var datasets: [String] = []
        var format: DatasetFormat?
        var repeats = 5
        var readHeaders = true
        var verify = false
    }

    static func parse(_ args: [String]) throws -> Options {
        var options = Options()
        var rest = args[...]
        while let arg = rest.popFirst() {
            switch arg {
            case "--format":
                guard let raw = rest.popFirst(), let format = DatasetFormat(rawValue: raw) else {
                    throw PrepBench.BenchError(
                        "--format needs one of \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                options.format = format
            case "--repeat": options.repeats = max(Int(rest.popFirst() ?? "") ?? options.repeats, 1)
            case "--no-headers": options.readHeaders = false
            case "--verify": options.verify = true
            default: options.datasets.append(arg)
            }
        }
        guard !options.datasets.isEmpty else {
            throw PrepBench.BenchError(
                "usage: cvbench read <dataset>… [--format F] [--repeat N] [--no-headers] [--verify]")
        }
        return options
    }

    static func run(_ args: [String]) async throws {
        let options = try parse(args)
        for path in options.datasets {
            let url = URL(fileURLWithPath: path)
            let read = {
                let (dataset, findings) = try DatasetReader.read(
                    at: url, format: options.format, options: .init(readImageHeaders: options.readHeaders))
                let report = options.verify ? DatasetVerifier.verify(
                    dataset, projectType: dataset.hasRegions ? .detection : .classification,
                    readFindings: findings, options: .init(checkFiles: false, checkDuplicates: false)) : nil
                return (dataset, findings, report)
            }
            let (dataset, findings, report) = try read()  // warm-up, and the result fingerprinted
            var best = (wall: Double.infinity, cpu: Double.infinity)
            for _ in 0..<options.repeats {
                let cpuStart = PrepBench.cpuSeconds()
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try read()
                let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let cpu = PrepBench.cpuSeconds() - cpuStart
                if cpu < best.cpu { best = (wall, cpu) }
            }
            let line: [String: Any] = [
                "tool": "datasetread", "label": url.lastPathComponent, "images": dataset.images.count,
                "regions": dataset.regionCount, "findings": findings.count,
                "fingerprint": fingerprint("\(dataset)\n\(findings)\n\(String(describing: report))"),
                "seconds": best.wall, "cpuSeconds": best.cpu,
            ]
            let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// FNV-1a of `text`'s UTF-8, in hex.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}
