import CustomVisionCore
import Foundation
@testable import CustomVisionServer
import Testing

/// Image records written by their own JSON writer read back with JSONDecoder to the same record.
struct RecordJSONTests {
    @Test func imageRecordsReadBackAsWritten() throws {
        let decoder = CustomVisionJSON.makeDecoder()
        let stamp = Date(timeIntervalSince1970: 1_763_900_000.123)
        for n in 0..<6 {
            let record = ImageRecord(
                id: UUID(), projectId: UUID(), created: stamp, width: 200 + n, height: 200,
                blob: String(repeating: "ab", count: 32),
                tags: (0..<(n % 3)).map { _ in TagAssignment(tagId: UUID(), created: stamp) },
                regions: (0..<n).map { i in
                    RegionRecord(regionId: UUID(), tagId: UUID(), created: stamp, left: Double(i) / 7, top: 0.25,
                        width: 1e-3, height: 0.5)
                },
                metadata: n % 2 == 0 ? [:] : ["source": "neu \"det\"", "n": "\(n)"])
            let bytes = try #require(record.jsonBytes())
            let read = try decoder.decode(ImageRecord.self, from: Data(bytes))
            #expect(read.id == record.id && read.projectId == record.projectId && read.created == record.created)
            #expect(read.width == record.width && read.height == record.height && read.blob == record.blob)
            #expect(read.tags == record.tags && read.regions == record.regions && read.metadata == record.metadata)
        }
    }

    @Test func iterationRecordsFromBeforeTrainingCountsReadWithoutThem() throws {
        let decoder = CustomVisionJSON.makeDecoder(), encoder = CustomVisionJSON.makeEncoder()
        let iteration = Iteration(id: UUID(), name: "Iteration 1")
        var record = IterationRecord(
            iteration: iteration, tagIds: [UUID()], tagNames: ["red"], tagImageCounts: [6], evaluation: [],
            fingerprint: "f")
        #expect(try decoder.decode(IterationRecord.self, from: encoder.encode(record)).tagImageCounts == [6])
        // A record written before the counts were kept has no such member: it reads as nil.
        record.tagImageCounts = nil
        let old = try encoder.encode(record)
        #expect(!String(decoding: old, as: UTF8.self).contains("tagImageCounts"))
        #expect(try decoder.decode(IterationRecord.self, from: old).tagImageCounts == nil)
    }
}
