import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// `cvctl quick-test FILE|URL --project ID [--iteration ID]`: predict with the training key, no publishing.
public struct QuickTestCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "quick-test",
        abstract: "Test an image (file or URL) against an iteration with the training key, without publishing.",
        discussion: """
            Files are prepared as `cvctl predict` prepares them (--no-prep sends them unchanged); boxes are \
            normalized to the file as it appears upright.

            Examples:
              cvctl quick-test part.jpg --project 0f6c…
              cvctl quick-test https://example.com/part.jpg --project 0f6c… \\
                  --iteration 7a8b… --no-store
            """)

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "An image file or http(s) URL.") var input: String
    @Option(help: "The project id.") var project: UUID
    @Option(help: "The iteration (default: the newest completed).") var iteration: UUID?
    @Option(help: "Show predictions at or above this probability.") var threshold = 0.0
    @Flag(help: "Do not store the image and prediction.") var noStore = false
    @OptionGroup(title: "Preparation") var prep: PredictionPrep

    public init() {}

    public func run(_ context: CommandContext) async throws {
        let isURL = input.hasPrefix("http://") || input.hasPrefix("https://")
        // A local file is read and prepared first: bad input fails (exit 65) before any request.
        var file: (data: Data, geometry: PredictionGeometry)?
        if !isURL {
            do {
                file = try PredictCommand.send(input, preparer: prep.preparer)
            } catch {
                throw CLIError.like(error, "\(input): \(ExitStatus.message(for: error))")
            }
        }
        let client = try context.training()
        let target = try await IterationLookup.resolve(iteration, project: project, client: client)
        let answer: ImagePrediction
        if let file {
            answer = file.geometry.onFile(try await client.quickTestImage(
                projectId: project, imageData: file.data, iterationId: target.id, store: !noStore))
        } else {
            answer = try await client.quickTestImageUrl(
                projectId: project, imageUrl: ImageUrl(url: input), iterationId: target.id, store: !noStore)
        }
        let kept = (answer.predictions ?? []).filter { ($0.probability ?? 0) >= threshold }
        let result = PredictionResult(input: input, predictions: kept)
        try context.console.emit([result]) { PredictionInputs.table($0) }
    }
}
