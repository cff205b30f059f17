// cvbench: the benchmarks `make bench` runs. Each suite lives in its own file as `enum XBench { static func run(_ args: [String]) async throws }`.
import Foundation

let suites: [String: @Sendable ([String]) async throws -> Void] = [
    "hash": HashBench.run,
    "prep": PrepBench.run,
    "read": ReadBench.run,
    "train": TrainBench.run,
    "validate": ValidateBench.run,
]
let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let suite = suites[name] else {
    FileHandle.standardError.write(Data("usage: cvbench \(suites.keys.sorted().joined(separator: "|")) [options]\n".utf8))
    exit(64)
}
do {
    try await suite(Array(args.dropFirst()))
} catch {
    // A bad option or an unreadable input: say so and exit 64 (usage), not an uncaught-error backtrace.
    FileHandle.standardError.write(Data("cvbench \(name): \(error)\n".utf8))
    exit(64)
}
