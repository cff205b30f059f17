import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// `cvctl suggest --project ID [--iteration ID]`: active learning.
public struct SuggestCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Suggested tags and regions for untagged images, most uncertain first (active learning).",
        discussion: """
            Examples:
              cvctl suggest --project 0f6c… --limit 20
              cvctl suggest --project 0f6c… --iteration 7a8b… --threshold 0.4 --output json
            """)

    @OptionGroup public var global: GlobalOptions
    @Option(help: "The project id.") var project: UUID
    @Option(help: "The iteration (default: the newest completed).") var iteration: UUID?
    @Option(help: "Only suggestions at or above this probability.") var threshold = 0.3
    @Option(help: "At most this many images.") var limit = 50

    public init() {}

    public func run(_ context: CommandContext) async throws {
        let client = try context.training()
        let target = try await IterationLookup.resolve(iteration, project: project, client: client)
        let query = try await client.querySuggestedImages(
            projectId: project, iterationId: target.id,
            query: SuggestedTagAndRegionQueryToken(
                threshold: threshold, maxCount: limit, sortBy: .uncertaintyDescending))
        let results = (query.results ?? []).sorted { ($0.predictionUncertainty ?? 0) > ($1.predictionUncertainty ?? 0) }
        try context.console.emit(results) { results in
            TextTable(headers: ["IMAGE", "UNCERTAINTY", "SUGGESTIONS"], rows: results.map { result in
                [result.id.uuidString.lowercased(), Format.number(result.predictionUncertainty),
                 (result.predictions ?? []).filter { ($0.probability ?? 0) >= threshold }.prefix(5).map {
                     "\($0.tagName ?? "?") \(Format.percent($0.probability))"
                 }.joined(separator: ", ")]
            })
        }
    }
}
