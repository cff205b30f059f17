import ArgumentParser
import CustomVisionDatasets
import Foundation

/// `--min-map`, `--min-precision`, `--min-recall` (0…1; exit 4 below a gate) and `--junit FILE`, shared by
/// `performance` and `evaluate`: what a CI script gates a model on.
struct QualityGateOptions: ParsableArguments {
    @Option(help: "Fail (exit 4) when mAP is below this.") var minMap: Double?
    @Option(help: "Fail (exit 4) when precision is below this.") var minPrecision: Double?
    @Option(help: "Fail (exit 4) when recall is below this.") var minRecall: Double?
    @Option(help: ArgumentHelp(
        "Also write the gates and metrics to this file as a JUnit XML report (for CI test views).",
        discussion: "Its folder is made when missing."))
    var junit: String?

    /// Every gate given lies in 0…1.
    func validate() throws {
        try PerformanceCommand.validateFractions([minMap, minPrecision, minRecall])
    }

    /// Before any work: `--junit`'s file can be written (its folder made when missing).
    func checkReportPath() throws {
        if let junit { try OutputFolder.checkFile(junit, makingFolder: true) }
    }

    /// The gates given, each with the value it is checked against.
    func checks(map: Double?, precision: Double?, recall: Double?) -> [QualityGate] {
        [("mAP", minMap, map), ("precision", minPrecision, precision), ("recall", minRecall, recall)]
            .compactMap { name, gate, value in gate.map { QualityGate(name: name, gate: $0, value: value ?? 0) } }
    }

    /// Checks the gates: writes the JUnit report when asked (gates and metrics, passed or not), then throws the
    /// failure (exit 4) naming every gate not met.
    /// - Parameters:
    ///   - command: the command's name (`performance`, `evaluate`), the report's suite.
    ///   - metrics: the figures the report lists as properties, in order.
    ///   - details: the command's table, the report's standard output.
    func enforce(
        _ checks: [QualityGate], command: String, metrics: [(String, String)], details: String
    ) throws {
        if let junit {
            let report = JUnitReport(suite: "cvctl \(command)", properties: metrics,
                                     cases: checks.map { ($0.title, $0.failure) }, output: details)
            guard FileManager.default.createFile(atPath: junit, contents: Data(report.xml().utf8)) else {
                throw CLIError.data("cannot write \(junit)")
            }
        }
        let failures = checks.compactMap(\.failure)
        if !failures.isEmpty { throw CLIError.failed("quality gate failed: " + failures.joined(separator: "; ")) }
    }
}

/// One quality gate and the value it checks.
struct QualityGate {
    var name: String
    var gate: Double
    var value: Double

    /// `mAP >= 50.0%`.
    var title: String { "\(name) >= \(Format.percent(gate))" }
    /// Why the gate failed, or nil when it is met.
    var failure: String? {
        value >= gate ? nil : "\(name) \(Format.number(value)) is below \(Format.number(gate))"
    }
}

/// A JUnit XML report: one test suite whose test cases are the quality gates (a run without gates has one passing
/// case, `metrics`), with the metrics as properties and the command's table as standard output.
struct JUnitReport {
    var suite: String
    var properties: [(String, String)]
    var cases: [(name: String, failure: String?)]
    var output: String

    func xml() -> String {
        let cases = cases.isEmpty ? [("metrics", nil)] : cases
        let failures = cases.filter { $0.1 != nil }.count
        let counts = "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\""
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cvctl\" \(counts)>\n"
        xml += "  <testsuite name=\"\(XMLText.escape(suite))\" \(counts) skipped=\"0\">\n    <properties>\n"
        for (name, value) in properties {
            xml += "      <property name=\"\(XMLText.escape(name))\" value=\"\(XMLText.escape(value))\"/>\n"
        }
        xml += "    </properties>\n"
        let classname = suite.replacingOccurrences(of: " ", with: ".")
        for (name, failure) in cases {
            xml += "    <testcase classname=\"\(XMLText.escape(classname))\" name=\"\(XMLText.escape(name))\""
            if let failure {
                xml += ">\n      <failure type=\"QualityGate\" message=\"\(XMLText.escape(failure))\"/>\n    </testcase>\n"
            } else {
                xml += "/>\n"
            }
        }
        xml += "    <system-out>\(XMLText.escape(output))</system-out>\n  </testsuite>\n</testsuites>\n"
        return xml
    }
}
