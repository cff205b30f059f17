import ArgumentParser
import CustomVisionCore
import CustomVisionDatasets
import CustomVisionHTTP
import Foundation
import ImagePrep

/// `cvctl evaluate DATASET --project ID --name NAME`: the published model on a local labelled test set.
public struct EvaluateCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Predict a local labelled dataset with a published iteration and print precision, recall, AP, mAP.",
        discussion: """
            Predictions are not stored (nostore); images are prepared as `cvctl upload` prepared them (see \
            `cvctl predict --help`). The same gates as `performance` apply (exit 4 below a gate), and --junit \
            FILE writes them with the metrics as a JUnit XML report. --confusion prints which tags the model took \
            for which: true tag by row, predicted tag by column, with a (none) row for predictions with no truth \
            under them and a (none) column for truths it missed (for detection, boxes pair at the IoU overlap).

            Examples:
              cvctl evaluate Fixtures/neu-det-mini/heldout --project 0f6c… --name steel-v1
              cvctl evaluate test/ --project 0f6c… --name steel-v1 --threshold 0.25 \\
                  --overlap 0.5 --min-map 0.4
              cvctl evaluate test/ --project 0f6c… --name steel-v1 --confusion
            """)

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The labelled dataset.") var dataset: String
    @Option(help: "Dataset format (default: detected).") var format: DatasetFormat?
    @Option(help: "The project id.") var project: UUID
    @Option(help: "The published name.") var name: String
    @Option(help: "Probability threshold.") var threshold = 0.25
    @Option(help: "IoU overlap threshold (detection).") var overlap = 0.3
    @Option(help: "detection | classification (default: from the dataset).") var type: PredictionKind?
    @Option(help: "Requests in flight.") var concurrency = 4
    @OptionGroup(title: "Preparation") var prep: PredictionPrep
    @Flag(help: "Also print the confusion matrix (true tag by row, predicted tag by column; always in the JSON).")
    var confusion = false
    @OptionGroup(title: "Quality gates") var gates: QualityGateOptions

    public init() {}

    public func validate() throws {
        try PerformanceCommand.validateFractions([threshold, overlap])
        try ImageCommand.validateConcurrency(concurrency)
    }

    public func run(_ context: CommandContext) async throws {
        try gates.checkReportPath()
        let (data, _) = try DatasetLoading.read(dataset, format: format, console: context.console)
        let client = try context.prediction()
        let kind = type ?? (data.hasRegions ? .detection : .classification)
        let inputs = data.images.map { PredictionInput(path: $0.path.path, isURL: false) }
        let progress = ProgressReporter(console: context.console, label: "images")
        let (project, name, preparer) = (project, name, prep.preparer)
        let outages = OutageRetry()
        let answers = try await BoundedConcurrency.map(inputs, concurrency: concurrency, progress: progress) { input in
            do {
                return Result<ImagePrediction, any Error>.success(try await outages.run {
                    try await PredictCommand.predict(
                        input, kind: kind, client: client, project: project, name: name, noStore: true,
                        preparer: preparer)
                })
            } catch {
                return .failure(error)
            }
        }
        progress.finish()
        // Metrics over part of the set would mislead a gate: report every image that failed, then fail with the
        // first failure's exit code (65 for an unreadable file, 2 or 3 for the service).
        var failed: [(String, any Error)] = []
        for (input, answer) in zip(inputs, answers) {
            if case .failure(let error) = answer { failed.append((input.path, error)) }
        }
        if let (_, first) = failed.first {
            context.console.errors(failed.map { (input: $0.0, error: $0.1) })
            throw CLIError.like(first, "\(failed.count) of \(inputs.count) images could not be evaluated")
        }
        var evaluated: [EvaluatedImage] = []
        for (image, answer) in zip(data.images, answers) {
            let predictions = try answer.get().predictions ?? []
            // Predicted boxes are on the upright file; the dataset's are on the stored pixels.
            let orientation = kind == .detection ? ImageOrientation.stored(atPath: image.path.path) : .up
            let truth = kind == .detection
                ? image.regions.map { TruthLabel(tag: $0.tag, box: orientation.transform($0.box)) }
                : image.tags.map { TruthLabel(tag: $0) }
            evaluated.append(EvaluatedImage(
                id: image.path.path, truth: truth,
                predictions: predictions.map {
                    ScoredLabel(tag: $0.tagName ?? "", probability: $0.probability ?? 0,
                                box: kind == .detection ? $0.boundingBox : nil)
                }))
        }
        var report = PerformanceEvaluator(probabilityThreshold: threshold, overlapThreshold: overlap)
            .evaluate(evaluated, tags: data.allTags)
        report.confusionMatrix = ConfusionMatrix.of(
            evaluated, tags: report.perTag.map(\.tag), threshold: threshold, overlap: overlap)
        try context.console.emit(report) { Self.table($0) }
        if confusion, let matrix = report.confusionMatrix, context.console.format == .table {
            context.console.data("\n" + Self.confusionTable(matrix).render())
        }
        let checks = gates.checks(map: report.averagePrecision, precision: report.precision, recall: report.recall)
        var metrics = [("dataset", dataset), ("project", project.lowercasedText), ("name", name),
                       ("threshold", Format.number(threshold)), ("overlap", Format.number(overlap)),
                       ("images", "\(inputs.count)"), ("mAP", Format.number(report.averagePrecision)),
                       ("precision", Format.number(report.precision)), ("recall", Format.number(report.recall))]
        for tag in report.perTag { metrics.append(("AP \(tag.tag)", Format.number(tag.averagePrecision))) }
        try gates.enforce(checks, command: "evaluate", metrics: metrics, details: Self.table(report).render())
    }

    /// The confusion matrix with a row per true tag and a column per predicted tag, `(none)` last in both: a
    /// prediction with no truth under it counts in the last row, a truth the model missed in the last column.
    static func confusionTable(_ matrix: ConfusionMatrix) -> TextTable {
        let labels = matrix.tags + ["(none)"]
        var table = TextTable(headers: ["TRUE \\ PREDICTED"] + labels)
        for (row, label) in labels.enumerated() {
            table.append([label] + matrix.counts[row].map { "\($0)" })
        }
        return table
    }

    static func table(_ report: PerformanceReport) -> TextTable {
        var table = TextTable(headers: ["TAG", "TRUTH", "PREDICTED", "PRECISION", "RECALL", "AP"])
        for tag in report.perTag {
            table.append([tag.tag, "\(tag.truthCount)", "\(tag.predictedCount)", Format.percent(tag.precision),
                          Format.percent(tag.recall), Format.percent(tag.averagePrecision)])
        }
        table.append(["(all) mAP", "", "", Format.percent(report.precision), Format.percent(report.recall),
                      Format.percent(report.averagePrecision)])
        if let at50 = report.meanAveragePrecisionAt50 {
            table.append(["mAP@50 / @75", "", "", "", "", Format.percent(at50) + " / "
                + Format.percent(report.meanAveragePrecisionAt75)])
        }
        return table
    }
}
