import CustomVisionCore
import Foundation
import Testing

/// The fast reader must read what `JSONDecoder` reads, to the same values, and give up (so that `JSONDecoder`
/// speaks) on anything else.
struct JSONReadableTests {
    static let decoder = CustomVisionJSON.makeDecoder()

    static func fast<T: JSONReadable>(_ type: T.Type, _ text: some Sequence<UInt8>) throws -> T {
        try Array(text).withUnsafeBytes { try T.read(json: $0) }
    }

    static func both<T: JSONReadable & Equatable>(_ type: T.Type, _ json: [UInt8]) throws -> Bool {
        try fast(T.self, json) == decoder.decode(T.self, from: Data(json))
    }

    @Test func uploadSummariesReadAsJSONDecoderReadsThem() throws {
        var random = SystemRandomNumberGenerator()
        let pretty = CustomVisionJSON.makeEncoder(pretty: true)
        for round in 0..<50 {
            let summary = JSONWritableTests.summary(round, &random)
            #expect(try Self.both(ImageCreateSummary.self, JSONWritableTests.encoded(summary)), "round \(round)")
            #expect(try Self.both(ImageCreateSummary.self, Array(pretty.encode(summary))), "pretty round \(round)")
        }
    }

    @Test func predictionsReadAsJSONDecoderReadsThem() throws {
        let text = #"""
            { "id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2", "project": null, "iteration":
              "8d5dc1e8-2c1b-4c76-9b0a-2d1f3b2c6e11", "created": "2026-11-23T18:00:00.5Z", "extra": {"a": [1, 2.5e-3,
              true, false, null, {"b": "c"}]}, "predictions": [
              {"probability": 0.97, "tagId": "E6B3D1C2-1111-4222-8333-944445555666", "tagName": "caf\u00e9 \ud83d\ude80 \/ \"q\"",
               "boundingBox": {"left": 0.1, "top": 0, "width": 1e-2, "height": 0.5, "unknown": -1},
               "tagType": "Regular"},
              {"probability": 1, "tagName": null, "boundingBox": null}
            ] }
            """#
        #expect(try Self.both(ImagePrediction.self, Array(text.utf8)))
        let read = try Self.fast(ImagePrediction.self, text.utf8)
        #expect(read.predictions?.first?.tagName == "café 🚀 / \"q\"")
        #expect(read.predictions?.count == 2 && read.predictions?[1].boundingBox == nil)
    }

    @Test func uploadRequestsReadAsJSONDecoderReadsThem() throws {
        let batch = ImageFileCreateBatch(
            images: [
                ImageFileCreateEntry(name: "a.jpg", contents: Data([0xFF, 0xD8, 0, 1, 2, 0xFF]), tagIds: [UUID()],
                    regions: [Region(tagId: UUID(), left: 0.25, top: 0.125, width: 0.5, height: 1 / 3)]),
                ImageFileCreateEntry(name: nil, contents: Data(), tagIds: nil, regions: []),
            ],
            tagIds: [UUID(), UUID()], metadata: ["k": "v"])
        #expect(try Self.both(ImageFileCreateBatch.self, JSONWritableTests.encoded(batch)))
    }

    /// Hostile nesting (a request body is untrusted on the server) is refused, not recursed into until the stack
    /// overflows — by the reader and by JSONDecoder behind it.
    @Test func deepNestingIsRefused() throws {
        for opener in ["[", "{\"a\":"] {
            let text = #"{"id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2", "x": "# + String(repeating: opener, count: 200_000)
            #expect(throws: JSONInputError.self) { try Self.fast(ImagePrediction.self, text.utf8) }
            #expect(throws: (any Error).self) { try CustomVisionJSON.decode(ImagePrediction.self, from: Data(text.utf8)) }
        }
        let nested = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let fine = #"{"id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2", "x": "# + nested + "}"
        #expect(try Self.fast(ImagePrediction.self, fine.utf8).id.uuidString == "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2")
    }

    @Test func base64WithEscapedSlashesIsLeftToJSONDecoder() throws {
        // Foundation's default JSONEncoder writes "/" as "\/", which is not base64 text.
        let batch = ImageFileCreateBatch(images: [ImageFileCreateEntry(name: "a", contents: Data([0xFF, 0xFF, 0xFF]))])
        let json = try JSONEncoder().encode(batch)
        #expect(String(decoding: json, as: UTF8.self).contains(#"\/"#))
        #expect(throws: JSONInputError.self) { try Self.fast(ImageFileCreateBatch.self, json) }
        #expect(try CustomVisionJSON.decode(ImageFileCreateBatch.self, from: json) == batch)
    }

    @Test(arguments: [
        "", "{", #"{"id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2""#, #"{"project": null}"#,
        #"{"id": "not-a-uuid"}"#, #"{"id": null}"#, #"{"id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2"} x"#,
        #"{"id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2", "predictions": [{"probability": 01}]}"#,
        #"{"id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2", "predictions": [{"tagName": "\ud83d"}]}"#,
        #"{"id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2", "created": "yesterday"}"#,
        #"{"id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2", "predictions": [{"boundingBox": {"left": 1}}]}"#,
    ])
    func malformedDocumentsAreLeftToJSONDecoder(text: String) throws {
        #expect(throws: JSONInputError.self) { try Self.fast(ImagePrediction.self, text.utf8) }
        // …which refuses them too, with its own error.
        #expect(throws: DecodingError.self) {
            try CustomVisionJSON.decode(ImagePrediction.self, from: Data(text.utf8))
        }
    }

    /// Where the reader is stricter than `JSONDecoder` — an `Int` written with a fraction, a raw tab inside a
    /// string — the fallback still reads what `JSONDecoder` reads.
    @Test(arguments: [
        #"{"id": "0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2", "width": 200.0}"#,
        "{\"id\": \"0C3F1A52-2E41-4E0B-9F6B-7A1C1E55C1D2\", \"thumbnailUri\": \"tab\there\"}",
    ])
    func aReaderRefusalFallsBackToJSONDecoder(text: String) throws {
        #expect(throws: JSONInputError.self) { try Self.fast(Image.self, text.utf8) }
        let fallback = Result { try CustomVisionJSON.decode(Image.self, from: Data(text.utf8)) }
        let reference = Result { try Self.decoder.decode(Image.self, from: Data(text.utf8)) }
        #expect((try? fallback.get()) == (try? reference.get()))
    }
}
