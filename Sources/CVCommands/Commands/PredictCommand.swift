import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import CustomVisionDatasets
import Foundation
import ImagePrep

/// Whether predictions classify or detect.
public enum PredictionKind: String, CaseIterable, ExpressibleByArgument, Sendable {
    case detection, classification
}

/// The predictions for one input.
struct PredictionResult: Codable, Sendable {
    var input: String
    var predictions: [Prediction]
    var error: String?
}

/// `cvctl predict FILE|DIR|URL --project ID --name NAME`.
public struct PredictCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify or detect images (a file, every image in a folder, or a URL) with a published iteration.",
        discussion: """
            The kind (classify or detect) follows the project's domain when the training endpoint and key are \
            available, else --type. Folders are predicted with several requests in flight. --draw OUT writes each \
            image with its boxes, tags and probabilities drawn on it. Exits 5 when some inputs failed; when all \
            failed, with the first failure's code (2 a refused key or name, 3 no answer, 65 an unreadable file).

            Files are prepared as `cvctl upload` prepares training images (default 256×256 stretch JPEG, turned \
            upright by their EXIF orientation), so the model sees what it was trained on. Boxes are reported and \
            drawn normalized to the file as it appears upright, whatever was sent (--mode fit's padding is taken \
            off). Use --no-prep to send the files unchanged, and the same --size/--mode as the upload.

            Examples:
              cvctl predict --project 0f6c… --name steel-v1 image.jpg
              cvctl predict --project 0f6c… --name steel-v1 held-out/ --threshold 0.3 \\
                  --draw out/
              cvctl predict --project 0f6c… --name flowers \\
                  --type classification https://example.com/rose.jpg
            """)

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "Image files, folders or http(s) URLs.") var inputs: [String]
    @Option(help: "The project id.") var project: UUID
    @Option(help: "The published name.") var name: String
    @Option(help: "Show predictions at or above this probability.") var threshold = 0.5
    @Option(help: "detection | classification (default: from the project's domain).") var type: PredictionKind?
    @Flag(help: "Do not store the predictions on the service.") var noStore = false
    @Option(help: "Write annotated images into this folder.") var draw: String?
    @Option(help: "Requests in flight for folders.") var concurrency = 4
    @OptionGroup(title: "Preparation") var prep: PredictionPrep

    public init() {}

    public func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one image, folder or URL") }
        if !(0...1).contains(threshold) { throw ValidationError("--threshold must be between 0 and 1") }
        try ImageCommand.validateConcurrency(concurrency)
    }

    public func run(_ context: CommandContext) async throws {
        let client = try context.prediction()
        let kind = try await resolveKind(context)
        let files = try PredictionInputs.expand(inputs)
        let progress = ProgressReporter(console: context.console, label: "images")
        let (project, name, noStore, threshold, draw) = (project, name, noStore, threshold, draw)
        let preparer = prep.preparer
        let drawingNames = PredictionDrawing.outputNames(files)
        if let draw {
            try OutputFolder.create(draw)
            let urls = files.filter(\.isURL).count
            if urls > 0 { context.console.info("--draw: \(urls) URL inputs are predicted but not drawn") }
        }
        let outages = OutageRetry()
        let outcomes = try await BoundedConcurrency.map(files, concurrency: concurrency, progress: progress) {
            input -> (PredictionResult, (any Error)?) in
            do {
                let answer = try await outages.run {
                    try await Self.predict(input, kind: kind, client: client, project: project, name: name,
                                           noStore: noStore, preparer: preparer)
                }
                let kept = (answer.predictions ?? []).filter { ($0.probability ?? 0) >= threshold }
                if let draw, !input.isURL {
                    try PredictionDrawing.write(input.path, kept, into: draw, name: drawingNames[input.path])
                }
                return (PredictionResult(input: input.path, predictions: kept), nil)
            } catch {
                return (PredictionResult(input: input.path, predictions: [], error: ExitStatus.message(for: error)),
                        error)
            }
        }
        progress.finish()
        let results = outcomes.map(\.0)
        try context.console.emit(results) { PredictionInputs.table($0) }
        let failed = results.filter { $0.error != nil }
        context.console.errors(outcomes.compactMap { result, error in error.map { (result.input, $0) } })
        guard !failed.isEmpty else { return }
        let message = "\(failed.count) of \(results.count) predictions failed"
        // Nothing predicted is no partial failure: a wrong key or name exits 2, an unreachable service 3.
        if failed.count == results.count, let first = outcomes.first?.1 { throw CLIError.like(first, message) }
        throw CLIError.partial(message)
    }

    private func resolveKind(_ context: CommandContext) async throws -> PredictionKind {
        if let type { return type }
        guard let training = try? context.training() else { return .detection }
        let details = try await training.getProject(projectId: project)
        guard let domainId = details.settings.domainId else { return .detection }
        let domain = try await training.getDomain(domainId: domainId)
        return domain.type == .classification ? .classification : .detection
    }

    static func predict(_ input: PredictionInput, kind: PredictionKind, client: PredictionClient, project: UUID,
                        name: String, noStore: Bool, preparer: ImagePreparer?) async throws -> ImagePrediction {
        let (c, p, n) = (client, project, name)
        if input.isURL {
            let url = ImageUrl(url: input.path)
            switch (kind, noStore) {
            case (.detection, false): return try await c.detectImageUrl(projectId: p, publishedName: n, imageUrl: url)
            case (.detection, true):
                return try await c.detectImageUrlWithNoStore(projectId: p, publishedName: n, imageUrl: url)
            case (.classification, false):
                return try await c.classifyImageUrl(projectId: p, publishedName: n, imageUrl: url)
            case (.classification, true):
                return try await c.classifyImageUrlWithNoStore(projectId: p, publishedName: n, imageUrl: url)
            }
        }
        let (data, geometry) = try send(input.path, preparer: preparer)
        let answer: ImagePrediction
        switch (kind, noStore) {
        case (.detection, false): answer = try await c.detectImage(projectId: p, publishedName: n, imageData: data)
        case (.detection, true):
            answer = try await c.detectImageWithNoStore(projectId: p, publishedName: n, imageData: data)
        case (.classification, false):
            answer = try await c.classifyImage(projectId: p, publishedName: n, imageData: data)
        case (.classification, true):
            answer = try await c.classifyImageWithNoStore(projectId: p, publishedName: n, imageData: data)
        }
        return geometry.onFile(answer)
    }

    /// The bytes to send for the file at `path` (prepared unless `preparer` is nil), and where they sit on the file.
    /// Errors do not repeat `path`: callers put it in front.
    static func send(_ path: String, preparer: ImagePreparer?) throws -> (Data, PredictionGeometry) {
        guard let data = RegularFile.contents(atPath: path) else {
            throw CLIError.data("cannot read the file (or it is not a regular file)")
        }
        guard let preparer else { return (data, PredictionGeometry()) }
        let prepared: PreparedImage
        do {
            prepared = try preparer.prepare([UInt8](data))
        } catch {
            throw PrepAdvice.advising(error)
        }
        return (Data(prepared.bytes), PredictionGeometry(prepared: prepared, options: preparer.options))
    }
}

/// `--no-prep`, `--size`, `--mode` of the prediction commands: prepare images as the upload did.
struct PredictionPrep: ParsableArguments {
    @Flag(help: "Send the image files unchanged.") var noPrep = false
    @Option(help: "Prepared image side in pixels (as uploaded).") var size = 256
    @Option(help: "stretch | fit (as uploaded).") var mode: PrepMode = .stretch

    func validate() throws { try UploadCommand.validatePrep(size: size) }

    /// The preparer, or `nil` with `--no-prep`.
    var preparer: ImagePreparer? {
        guard !noPrep else { return nil }
        let resize: ResizeMode = mode == .stretch
            ? .stretch(width: size, height: size) : .fit(width: size, height: size)
        return ImagePreparer(options: PrepOptions(mode: resize, limits: .prediction))
    }
}
