import CustomVisionCore
import CustomVisionHTTP
import Foundation
import Testing

/// `ImageCreateOutcomes` (what `cvctl upload` reads of each CreateImages answer) must say what the whole
/// `ImageCreateSummary` says of every image — name, status, id — whichever reader takes the answer.
struct ImageCreateOutcomesTests {
    static func summary(_ round: Int) -> ImageCreateSummary {
        let statuses: [ImageCreateStatus] = [.ok, .okDuplicate, .errorImageFormat, "SomethingNew"]
        let names = ["crazing_1.jpg", "caf\u{e9} \u{1F680}.jpg", "a \"quoted\"\\name.png", "\"quoted by Azure\"", ""]
        let results = (0..<(round % 7 + 1)).map { i in
            let image = i % 4 == 3 ? nil : Image(
                id: UUID(), created: Date(timeIntervalSince1970: 1_763_000_000 + Double(i)), width: 200, height: 200,
                resizedImageUri: "http://127.0.0.1:8080/images/\(i)?sig=ab%2F&e=1", thumbnailUri: nil,
                originalImageUri: "http://x/\(i)",
                tags: [ImageTag(tagId: UUID(), tagName: names[i % 5], created: Date())],
                regions: (0..<(i % 3)).map { r in
                    ImageRegion(regionId: UUID(), tagName: "defect", created: Date(), tagId: UUID(),
                        left: 0.125 * Double(r), top: 0.1, width: 0.5, height: 1 / 3)
                },
                metadata: i % 2 == 0 ? ["split": "train"] : nil)
            return ImageCreateResult(
                sourceUrl: i == 2 ? nil : names[(i + round) % 5], status: statuses[(i + round) % 4], image: image)
        }
        return ImageCreateSummary(isBatchSuccessful: round % 2 == 0, images: results)
    }

    @Test func outcomesSayWhatTheWholeSummarySays() throws {
        for round in 0..<20 {
            let summary = Self.summary(round)
            let expected = ImageCreateOutcomes(summary)
            #expect(expected.images.count == summary.images?.count)
            for pretty in [false, true] {
                let json = try CustomVisionJSON.makeEncoder(pretty: pretty).encode(summary)
                let fast = try Array(json).withUnsafeBytes { try ImageCreateOutcomes.read(json: $0) }
                #expect(fast == expected, "round \(round), pretty \(pretty)")
                #expect(try CustomVisionJSON.decode(ImageCreateOutcomes.self, from: json) == expected)
                // The fallback (JSONDecoder over the whole summary) reads the same.
                #expect(try CustomVisionJSON.makeDecoder().decode(ImageCreateOutcomes.self, from: json) == expected)
            }
        }
    }

    @Test func imagesAbsentOrNullReadAsNone() throws {
        for text in [#"{"isBatchSuccessful": true}"#, #"{"isBatchSuccessful": false, "images": null}"#] {
            let read = try CustomVisionJSON.decode(ImageCreateOutcomes.self, from: Data(text.utf8))
            #expect(read.images.isEmpty)
            #expect(read.isBatchSuccessful != nil)
        }
    }

    /// An image without an id is refused by the whole reading; the outcomes refuse it too rather than report an
    /// upload without its image id.
    @Test func anImageWithoutAnIdIsRefusedAsTheWholeSummaryRefusesIt() throws {
        let text = #"{"images": [{"sourceUrl": "a.jpg", "status": "OK", "image": {"width": 2}}]}"#
        let data = Data(text.utf8)
        #expect(throws: (any Error).self) { try CustomVisionJSON.decode(ImageCreateSummary.self, from: data) }
        #expect(throws: (any Error).self) { try CustomVisionJSON.decode(ImageCreateOutcomes.self, from: data) }
    }
}
