import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// `cvctl suggest --project ID [--iteration ID] [--image ID ...]`: active learning.
public struct SuggestCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Suggested tags and regions for untagged images, most uncertain first (active learning).",
        discussion: """
            Without --image: the project's untagged images with suggestions at or above --threshold, most \
            uncertain first (QuerySuggestedImages, paged up to --limit). With --image: suggestions for those \
            untagged images (SuggestTagsAndRegions). The table shows up to five suggestions per image at or above \
            --threshold; the JSON has them all.

            Examples:
              cvctl suggest --project 0f6c… --limit 20
              cvctl suggest --project 0f6c… --iteration 7a8b… --threshold 0.4 \\
                  --tags crazing --output json
              cvctl suggest --project 0f6c… --image 1b2c… --image 3d4e…
            """)

    @OptionGroup public var global: GlobalOptions
    @Option(help: "The project id.") var project: UUID
    @Option(help: "The iteration (default: the newest completed).") var iteration: UUID?
    @Option(help: "Only suggestions at or above this probability.") var threshold = 0.3
    @Option(help: "At most this many images.") var limit = 50
    @Option(help: "Only images with suggestions of these tags (names or ids, comma-separated).") var tags: String?
    @Option(name: .customLong("image"), help: "Suggest for this untagged image id (repeatable).")
    var images: [UUID] = []

    public init() {}

    public func validate() throws {
        if !(0...1).contains(threshold) { throw ValidationError("--threshold must be between 0 and 1") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if !images.isEmpty, tags != nil { throw ValidationError("--tags applies without --image only") }
    }

    /// One image's suggestions, whichever operation produced them.
    struct Row {
        var id: UUID
        var uncertainty: Double?
        var predictions: [Prediction]

        init(_ stored: StoredSuggestedTagAndRegion) {
            (id, uncertainty, predictions) = (stored.id, stored.predictionUncertainty, stored.predictions ?? [])
        }

        init(_ suggested: SuggestedTagAndRegion) {
            (id, uncertainty) = (suggested.id, suggested.predictionUncertainty)
            predictions = suggested.predictions ?? []
        }
    }

    public func run(_ context: CommandContext) async throws {
        let client = try context.training()
        let target = try await IterationLookup.resolve(iteration, project: project, client: client)
        if images.isEmpty {
            let results = try await query(client, iteration: target.id)
            try context.console.emit(results) { results in
                table(results.map(Row.init))
            }
        } else {
            var results: [SuggestedTagAndRegion] = []
            for start in stride(from: 0, to: images.count, by: ServiceLimits.imagesPerBatch) {
                let chunk = Array(images[start..<min(images.count, start + ServiceLimits.imagesPerBatch)])
                results += try await client.suggestTagsAndRegions(
                    projectId: project, iterationId: target.id, imageIds: chunk)
            }
            try context.console.emit(results) { results in
                table(results.map(Row.init))
            }
        }
    }

    /// QuerySuggestedImages, following continuations until `limit` images, most uncertain first.
    private func query(_ client: TrainingClient, iteration: UUID) async throws -> [StoredSuggestedTagAndRegion] {
        var tagIds: [UUID]?
        if let tags { tagIds = try await TagLookup.ids(tags, project: project, client: client) }
        var token = SuggestedTagAndRegionQueryToken(
            tagIds: tagIds, threshold: threshold, maxCount: min(limit, ServiceLimits.maxTake),
            sortBy: .uncertaintyDescending)
        var results: [StoredSuggestedTagAndRegion] = []
        while results.count < limit {
            let page = try await client.querySuggestedImages(projectId: project, iterationId: iteration, query: token)
            results += page.results ?? []
            guard let next = page.token, let continuation = next.continuation, !continuation.isEmpty,
                !(page.results ?? []).isEmpty
            else { break }
            token = next
            token.maxCount = min(limit - results.count, ServiceLimits.maxTake)
        }
        return Array(results.prefix(limit)).sorted {
            ($0.predictionUncertainty ?? 0) > ($1.predictionUncertainty ?? 0)
        }
    }

    private func table(_ rows: [Row]) -> TextTable {
        TextTable(headers: ["IMAGE", "UNCERTAINTY", "SUGGESTIONS"], rows: rows.map { row in
            [row.id.lowercasedText, Format.number(row.uncertainty),
             row.predictions.filter { ($0.probability ?? 0) >= threshold }.prefix(5).map {
                 "\($0.tagName ?? "?") \(Format.percent($0.probability))"
             }.joined(separator: ", ")]
        })
    }
}
