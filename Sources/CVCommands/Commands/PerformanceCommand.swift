import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation
import ImagePrep

/// `cvctl performance --project ID [--iteration ID] [--threshold 0.25] [--overlap 0.3] [--sweep] [gates]`.
public struct PerformanceCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "performance",
        abstract: "Per-tag precision, recall and AP of an iteration, and its mAP; optional quality gates.",
        discussion: """
            --sweep also evaluates thresholds 0.05…0.95 and marks the threshold with the best F1; --plot FILE \
            (implies --sweep) draws the per-tag and overall precision/recall curves of the sweep into a PNG. \
            --min-map/--min-precision/--min-recall (0…1) make the command exit 4 below the gate, for CI; \
            --junit FILE also writes the gates (as test cases) and the metrics as a JUnit XML report.

            Examples:
              cvctl performance --project 0f6c… --threshold 0.25 --overlap 0.3
              cvctl performance --project 0f6c… --sweep --plot pr.png
              cvctl performance --project 0f6c… --min-map 0.5 --min-recall 0.6 \\
                  --output json
              cvctl performance --project 0f6c… --min-map 0.5 --junit reports/gates.xml
            """)

    @OptionGroup public var global: GlobalOptions
    @Option(help: "The project id.") var project: UUID
    @Option(help: "The iteration (default: the newest completed).") var iteration: UUID?
    @Option(help: "Probability threshold for precision and recall.") var threshold = 0.25
    @Option(help: "IoU overlap threshold (object detection).") var overlap = 0.3
    @Flag(help: "Evaluate thresholds 0.05…0.95 and show the best F1.") var sweep = false
    @Option(help: "Write the sweep's precision/recall curves to this PNG (implies --sweep).") var plot: String?
    @OptionGroup(title: "Quality gates") var gates: QualityGateOptions

    public init() {}

    public func validate() throws {
        try Self.validateFractions([threshold, overlap])
    }

    /// Thresholds and gates (`nil` when not given) must lie in 0…1.
    static func validateFractions(_ values: [Double?]) throws {
        for value in values.compactMap({ $0 }) where !(0...1).contains(value) {
            throw ValidationError("thresholds and gates must be between 0 and 1")
        }
    }

    /// One row of `--sweep`.
    struct SweepPoint: Codable {
        var threshold: Double
        var precision: Double
        var recall: Double
        var f1: Double
    }

    /// The JSON document.
    struct Report: Codable {
        var iterationId: UUID
        var threshold: Double
        var overlap: Double
        var performance: IterationPerformance
        var sweep: [SweepPoint]?
        var bestF1: SweepPoint?
        var gateFailures: [String]
    }

    public func run(_ context: CommandContext) async throws {
        if let plot { try OutputFolder.checkFile(plot) }
        try gates.checkReportPath()
        let client = try context.training()
        let target = try await IterationLookup.resolve(iteration, project: project, client: client)
        let performance = try await client.getIterationPerformance(
            projectId: project, iterationId: target.id, threshold: threshold, overlapThreshold: overlap)
        var report = Report(iterationId: target.id, threshold: threshold, overlap: overlap,
                            performance: performance, gateFailures: [])
        if sweep || plot != nil {
            var points: [SweepPoint] = []
            var curves: [String: [PRPlot.PRPoint]] = [:]
            for step in 1...19 {
                let t = Double(step) * 0.05
                let p = try await client.getIterationPerformance(
                    projectId: project, iterationId: target.id, threshold: t, overlapThreshold: overlap)
                let precision = p.precision ?? 0
                let recall = p.recall ?? 0
                let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
                points.append(SweepPoint(threshold: t, precision: precision, recall: recall, f1: f1))
                curves["(all)", default: []].append(PRPlot.PRPoint(recall: recall, precision: precision))
                for tag in p.perTagPerformance ?? [] {
                    curves[tag.name ?? tag.id.lowercasedText, default: []].append(
                        PRPlot.PRPoint(recall: tag.recall ?? 0, precision: tag.precision ?? 0))
                }
            }
            if let plot {
                let series = curves.keys.sorted().map { PRPlot.Series(name: $0, points: curves[$0] ?? []) }
                let png = try ImageEncoder.png(PRPlot().render(series))
                guard FileManager.default.createFile(atPath: plot, contents: Data(png)) else {
                    throw CLIError.data("cannot write \(plot)")
                }
                context.console.info("wrote \(plot)")
            }
            report.sweep = points
            report.bestF1 = points.max { $0.f1 < $1.f1 }
        }
        let checks = gates.checks(
            map: performance.averagePrecision, precision: performance.precision, recall: performance.recall)
        report.gateFailures = checks.compactMap(\.failure)
        try context.console.emit(report) { Self.table($0) }
        if let sweep = report.sweep, context.console.format == .table {
            var table = TextTable(headers: ["THRESHOLD", "PRECISION", "RECALL", "F1", "NOTE"])
            for point in sweep {
                table.append([Format.percent(point.threshold), Format.percent(point.precision),
                              Format.percent(point.recall), Format.number(point.f1),
                              point.threshold == report.bestF1?.threshold ? "<- best F1" : ""])
            }
            context.console.data("\n" + table.render())
        }
        var metrics = [("project", project.lowercasedText), ("iteration", target.id.lowercasedText),
                       ("threshold", Format.number(threshold)), ("overlap", Format.number(overlap)),
                       ("mAP", Format.number(performance.averagePrecision)),
                       ("precision", Format.number(performance.precision)),
                       ("recall", Format.number(performance.recall))]
        for tag in performance.perTagPerformance ?? [] {
            metrics.append(("AP \(tag.name ?? tag.id.lowercasedText)", Format.number(tag.averagePrecision)))
        }
        try gates.enforce(checks, command: "performance", metrics: metrics, details: Self.table(report).render())
    }

    static func table(_ report: Report) -> TextTable {
        var table = TextTable(headers: ["TAG", "PRECISION", "RECALL", "AP"])
        for tag in report.performance.perTagPerformance ?? [] {
            table.append([tag.name ?? tag.id.lowercasedText, Format.percent(tag.precision),
                          Format.percent(tag.recall), Format.percent(tag.averagePrecision)])
        }
        table.append(["(all) mAP", Format.percent(report.performance.precision),
                      Format.percent(report.performance.recall), Format.percent(report.performance.averagePrecision)])
        return table
    }
}
