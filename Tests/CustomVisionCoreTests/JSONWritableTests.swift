import CustomVisionCore
import Foundation
import Testing

/// The hand-written JSON of the hot response types must say exactly what the service's `JSONEncoder` says: the
/// same strings and numbers byte for byte, the same members (Foundation on Linux writes an object's keys in hash
/// order, the writer in declaration order, so documents are compared parsed).
struct JSONWritableTests {
    static let encoder = CustomVisionJSON.makeEncoder()

    static func encoded(_ value: some Encodable) throws -> [UInt8] { Array(try encoder.encode(value)) }

    /// Whether two documents parse to equal values.
    static func same(_ ours: [UInt8]?, _ reference: some Encodable) throws -> Bool {
        let ours = try JSONSerialization.jsonObject(with: Data(try #require(ours)), options: .fragmentsAllowed)
        let theirs = try JSONSerialization.jsonObject(with: Data(try encoded(reference)), options: .fragmentsAllowed)
        return equal(ours, theirs)
    }

    /// Structural equality of two parsed documents (objects by key, arrays in order, scalars by their text).
    static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case let (a as [String: Any], b as [String: Any]):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { equal(value, $0) } ?? false }
        case let (a as [Any], b as [Any]):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        default:
            return type(of: a) == type(of: b) && "\(a)" == "\(b)"
        }
    }

    static let awkwardStrings = [
        "", "plain", "a \"quoted\" word", "back\\slash", "path/with/slashes", "tab\there", "new\nline", "cr\r",
        "\u{08}\u{0C}\u{01}\u{1F}\u{7F}", "naïve café ✓ 🚀", "https://example.com/a?b=c&d=e#f",
        "8D5DC1E8-2C1B-4C76-9B0A-2D1F3B2C6E11", "\0nul",
    ]
    static let numbers: [Double] = [
        0, -0.0, 1, 3, -2, 0.5, 0.1 + 0.2, 1e-7, 1.5e-5, 123_456.789, 1e16, 1e21, 2.5e-300, 0.999_999_999_999_9,
        Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, 0.123_456_789_012_345_67,
    ]

    @Test func stringsAreEscapedAsJSONEncoderEscapesThem() throws {
        for text in Self.awkwardStrings {
            var json = JSONOutput()
            json.string(text)
            #expect(json.bytes == (try Self.encoded(text)), "\(text.debugDescription)")
        }
    }

    @Test func numbersAreWrittenAsJSONEncoderWritesThem() throws {
        for value in Self.numbers {
            var json = JSONOutput()
            json.number(value)
            #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: try Self.encoded(value),
                as: UTF8.self))
        }
    }

    @Test func aNonFiniteNumberMakesTheDocumentInvalidAsJSONEncoderRefusesIt() {
        let box = BoundingBox(left: .nan, top: 0, width: 1, height: .infinity)
        #expect(box.jsonBytes() == nil)
        #expect(throws: (any Error).self) { try Self.encoded(box) }
    }

    @Test func uploadSummariesMatchJSONEncoder() throws {
        var random = SystemRandomNumberGenerator()
        for round in 0..<50 {
            let summary = Self.summary(round, &random)
            #expect(try Self.same(summary.jsonBytes(), summary), "round \(round)")
        }
        let differing = Array(#"{"isBatchSuccessful":false,"images":[]}"#.utf8)
        #expect(try !Self.same(differing, ImageCreateSummary(isBatchSuccessful: true, images: [])), "the check bites")
        let empty = ImageCreateSummary()
        #expect(try Self.same(empty.jsonBytes(), empty))
        let images: [Image] = Self.summary(7, &random).images?.compactMap(\.image) ?? []
        #expect(try Self.same(images.jsonBytes(), images))
    }

    @Test func predictionsMatchJSONEncoder() throws {
        var random = SystemRandomNumberGenerator()
        for round in 0..<50 {
            let predictions = (0..<(round % 7)).map { i in
                Prediction(
                    probability: Double.random(in: 0...1, using: &random),
                    tagId: round % 3 == 0 ? nil : UUID(), tagName: Self.awkwardStrings[(round + i) % 13],
                    boundingBox: i % 2 == 0 ? BoundingBox(left: Double.random(in: 0..<1, using: &random),
                        top: Self.numbers[i], width: 0.25, height: 1) : nil,
                    tagType: i % 3 == 0 ? nil : (i % 3 == 1 ? .regular : .negative))
            }
            let result = ImagePrediction(id: UUID(), project: UUID(), iteration: round % 2 == 0 ? UUID() : nil,
                created: Date(timeIntervalSince1970: Double(round) * 86_400.123_4), predictions: predictions)
            #expect(try Self.same(result.jsonBytes(), result), "round \(round)")
        }
    }

    static func summary(_ round: Int, _ random: inout SystemRandomNumberGenerator) -> ImageCreateSummary {
        let statuses: [ImageCreateStatus] = [.ok, .okDuplicate, .errorImageFormat, "SomethingNew"]
        let results = (0..<(round % 9)).map { i -> ImageCreateResult in
            let tags = (0..<(i % 3)).map { t in
                ImageTag(tagId: UUID(), tagName: Self.awkwardStrings[(i + t) % 13],
                    created: t == 1 ? nil : Date(timeIntervalSince1970: 1_700_000_000.5 + Double(t)))
            }
            let regions = (0..<(i % 4)).map { r in
                ImageRegion(regionId: r == 2 ? nil : UUID(), tagName: "defect \(r)", created: Date(),
                    tagId: UUID(), left: Double.random(in: 0..<1, using: &random), top: Self.numbers[r],
                    width: 0.5, height: Double(r) / 3)
            }
            let image = i % 5 == 4 ? nil : Image(
                id: UUID(), created: Date(timeIntervalSince1970: 1_763_000_000 + Double(i) * 0.001),
                width: 200 + i, height: i % 2 == 0 ? 200 : nil,
                resizedImageUri: "http://127.0.0.1:8080/images/\(i)?sig=ab%2F&e=1", thumbnailUri: nil,
                originalImageUri: Self.awkwardStrings[i % 13], tags: i == 0 ? nil : tags,
                regions: i == 1 ? nil : regions,
                metadata: i % 3 == 0 ? ["source": "neu", "split": "train \"a\"", "n": "\(i)"] : nil)
            return ImageCreateResult(sourceUrl: i == 2 ? nil : "crazing_\(i).jpg", status: statuses[i % 4],
                image: image)
        }
        return ImageCreateSummary(isBatchSuccessful: round % 2 == 0, images: round == 3 ? nil : results)
    }
}
