import ArgumentParser
import Foundation
import Testing

@testable import CVCommands

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `--junit FILE`: the quality gates as test cases of a JUnit report a CI system's XML parser reads.
struct JUnitReportTests {
    /// Counts the elements of an XML document, or throws when it is not well-formed.
    final class ElementCounter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        var attributes: [String: [[String: String]]] = [:]
        var text = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String]) {
            counts[name, default: 0] += 1
            self.attributes[name, default: []].append(attributes)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        static func parse(_ xml: String) throws -> ElementCounter {
            let counter = ElementCounter()
            let parser = XMLParser(data: Data(xml.utf8))
            parser.delegate = counter
            guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
            return counter
        }
    }

    @Test func gatesBecomeTestCasesAndFailuresCarryTheirReason() throws {
        let options = try QualityGateOptions.parse(["--min-map", "0.5", "--min-recall", "0.9"])
        let checks = options.checks(map: 0.62, precision: 0.7, recall: 0.8)
        #expect(checks.map(\.title) == ["mAP >= 50.0%", "recall >= 90.0%"])
        #expect(checks.map { $0.failure == nil } == [true, false])
        let report = JUnitReport(
            suite: "cvctl performance", properties: [("mAP", "0.62"), ("AP a<b & \"c\"", "0.5")],
            cases: checks.map { ($0.title, $0.failure) }, output: "TAG  AP\n<all> 62%\u{1}")
        let parsed = try ElementCounter.parse(report.xml())
        #expect(parsed.counts["testsuite"] == 1 && parsed.counts["testcase"] == 2 && parsed.counts["failure"] == 1)
        let suite = try #require(parsed.attributes["testsuite"]?.first)
        #expect(suite["tests"] == "2" && suite["failures"] == "1" && suite["name"] == "cvctl performance")
        #expect(parsed.attributes["property"]?.last?["name"] == "AP a<b & \"c\"")
        #expect(parsed.attributes["failure"]?.first?["message"] == "recall 0.800 is below 0.900")
        #expect(parsed.attributes["testcase"]?.first?["classname"] == "cvctl.performance")
        #expect(parsed.text.contains("<all> 62%"))
    }

    @Test func aRunWithoutGatesHasOnePassingCase() throws {
        let report = JUnitReport(suite: "cvctl evaluate", properties: [], cases: [], output: "")
        let parsed = try ElementCounter.parse(report.xml())
        #expect(parsed.counts["testcase"] == 1 && parsed.counts["failure"] == nil)
        #expect(parsed.attributes["testcase"]?.first?["name"] == "metrics")
    }
}
