import CVTestSupport
import CustomVisionCore
import Foundation
import Testing

/// Every example of the specifications decodes into the models and re-encodes without losing a field.
@Suite struct ExampleRoundTripTests {
    /// The model type of each schema an example exercises.
    static let types: [String: any Codable.Type] = [
        "Project": Project.self, "Domain": Domain.self, "Tag": Tag.self, "Image": Image.self,
        "ImageCreateSummary": ImageCreateSummary.self, "ImageFileCreateBatch": ImageFileCreateBatch.self,
        "ImageUrlCreateBatch": ImageUrlCreateBatch.self, "ImageIdCreateBatch": ImageIdCreateBatch.self,
        "ImageRegionCreateBatch": ImageRegionCreateBatch.self,
        "ImageRegionCreateSummary": ImageRegionCreateSummary.self,
        "ImageTagCreateBatch": ImageTagCreateBatch.self, "ImageTagCreateSummary": ImageTagCreateSummary.self,
        "ImageMetadataUpdateSummary": ImageMetadataUpdateSummary.self, "Iteration": Iteration.self,
        "IterationPerformance": IterationPerformance.self, "ImagePerformance": ImagePerformance.self,
        "Export": Export.self, "ImagePrediction": ImagePrediction.self, "ImageUrl": ImageUrl.self,
        "ProjectExport": ProjectExport.self, "PredictionQueryToken": PredictionQueryToken.self,
        "PredictionQueryResult": PredictionQueryResult.self, "TrainingParameters": TrainingParameters.self,
        "ImageRegionProposal": ImageRegionProposal.self, "SuggestedTagAndRegion": SuggestedTagAndRegion.self,
        "TagFilter": TagFilter.self, "CustomVisionError": CustomVisionError.self,
    ]

    static let exampleFiles: [String] = {
        let root = FixturePaths.fixture("spec/examples")
        let files =
            FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { ($0 as? URL)?.path }.filter { $0.hasSuffix(".json") } ?? []
        return files.map { String($0.dropFirst(root.path.count + 1)) }.sorted()
    }()

    @Test func theComparisonNoticesLostAndChangedFields() {
        withKnownIssue { JSONTree.expectSame(["a": 1, "b": "x"], ["a": 1], at: "lost") }
        withKnownIssue { JSONTree.expectSame(["a": 1], ["a": 2], at: "changed") }
        withKnownIssue { JSONTree.expectSame(["a": "2019-06-17T17:27:59Z"], ["a": "2019-06-17T17:28:00Z"], at: "date") }
        JSONTree.expectSame(
            ["a": "2019-06-17T17:27:59.8484211Z", "b": NSNull()], ["a": "2019-06-17T17:27:59.848Z"], at: "ok")
    }

    @Test func theExamplesAreAllThere() {
        #expect(Self.exampleFiles.count == 29)
    }

    @Test(arguments: exampleFiles)
    func exampleRoundTrips(file: String) throws {
        let data = try Data(contentsOf: FixturePaths.fixture("spec/examples/\(file)"))
        let example = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let spec = file.hasPrefix("prediction/") ? SpecDocument.prediction : SpecDocument.training
        let operationID = String(file.split(separator: "/").last!.dropLast(".json".count))
        let operation = try #require(spec.operations.first { $0.id == operationID }, "no operation \(operationID)")
        var checked = 0

        let parameters = example["parameters"] as? [String: Any] ?? [:]
        if let name = operation.bodyParameterName, let schema = operation.bodySchema, let body = parameters[name] {
            try roundTrip(body, schema: schema, spec: spec, at: "\(file) parameter \(name)")
            checked += 1
        }
        for (status, value) in example["responses"] as? [String: Any] ?? [:] {
            guard let body = (value as? [String: Any])?["body"], !(body is NSNull),
                let response = operation.responses[status] as? [String: Any],
                let schema = response["schema"] as? [String: Any], schema["type"] as? String != "file"
            else { continue }
            try roundTrip(body, schema: schema, spec: spec, at: "\(file) response \(status)")
            checked += 1
        }
        let hasJSON =
            (example["responses"] as? [String: Any])?.values.contains {
                (($0 as? [String: Any])?["body"]).map { !($0 is NSNull) && !($0 is String) } ?? false
            } ?? false
        #expect(checked > 0 || !hasJSON, "\(file): nothing was checked")
    }

    func roundTrip(_ json: Any, schema: [String: Any], spec: SpecDocument, at place: String) throws {
        let original = try JSONSerialization.data(withJSONObject: json, options: .fragmentsAllowed)
        let reencoded: Data
        if let ref = schema["$ref"] as? String {
            let type = try #require(Self.types[String(ref.split(separator: "/").last!)], "no model for \(ref)")
            reencoded = try Self.recode(type, original)
        } else if schema["type"] as? String == "array",
            let ref = (schema["items"] as? [String: Any])?["$ref"] as? String
        {
            let type = try #require(Self.types[String(ref.split(separator: "/").last!)], "no model for \(ref)")
            reencoded = try Self.recodeArray(type, original)
        } else {
            switch schema["type"] as? String {
            case "integer": reencoded = try Self.recode(Int.self, original)
            case "boolean": reencoded = try Self.recode(Bool.self, original)
            default: reencoded = try Self.recode([String: String].self, original)
            }
        }
        let after = try JSONSerialization.jsonObject(with: reencoded, options: .fragmentsAllowed)
        JSONTree.expectSame(json, after, at: place)
    }

    static func recode<T: Codable>(_ type: T.Type, _ data: Data) throws -> Data {
        let value = try CustomVisionJSON.makeDecoder().decode(T.self, from: data)
        return try CustomVisionJSON.makeEncoder().encode(value)
    }

    static func recodeArray<T: Codable>(_ type: T.Type, _ data: Data) throws -> Data {
        try recode([T].self, data)
    }
}

/// Compares JSON trees: same keys (a `null` may be dropped), same values; numbers within rounding, UUIDs ignoring
/// case, timestamps as instants (the encoder writes milliseconds).
enum JSONTree {
    static func expectSame(_ before: Any, _ after: Any, at path: String) {
        switch (before, after) {
        case (let a as [String: Any], let b as [String: Any]):
            for (key, value) in a where !(value is NSNull) {
                guard let other = b[key] else {
                    Issue.record("\(path).\(key) was lost")
                    continue
                }
                expectSame(value, other, at: "\(path).\(key)")
            }
            for key in b.keys where a[key] == nil { Issue.record("\(path).\(key) was invented") }
        case (let a as [Any], let b as [Any]):
            #expect(a.count == b.count, "\(path): \(a.count) items became \(b.count)")
            for (index, pair) in zip(a, b).enumerated() { expectSame(pair.0, pair.1, at: "\(path)[\(index)]") }
        case (let a as String, let b as String):
            if a == b { return }
            if let x = UUID(uuidString: a), let y = UUID(uuidString: b), x == y { return }
            if let x = ISO8601Timestamp.parse(a), let y = ISO8601Timestamp.parse(b),
                abs(x.timeIntervalSince(y)) < 0.001
            {
                return
            }
            Issue.record("\(path): \"\(a)\" became \"\(b)\"")
        case (let a as NSNumber, let b as NSNumber):
            let (x, y) = (a.doubleValue, b.doubleValue)
            #expect(abs(x - y) <= 1e-9 * max(1, abs(x)), "\(path): \(a) became \(b)")
        default:
            Issue.record("\(path): \(before) became \(after)")
        }
    }
}
