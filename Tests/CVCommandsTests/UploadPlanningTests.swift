import CustomVisionCore
import CustomVisionHTTP
import Foundation
import Testing

@testable import CVCommands

struct UploadPlanningTests {
    private func item(_ i: Int, tags: [String] = ["a"], regions: Int = 0, bytes: Int = 10) -> UploadItem {
        let box = BoundingBox(left: 0.1, top: 0.1, width: 0.2, height: 0.2)
        return UploadItem(name: "img\(i).jpg", bytes: [UInt8](repeating: UInt8(i % 256), count: bytes) + [UInt8(i >> 8)],
                          tags: tags, regions: (0..<regions).map { _ in UploadRegion(tag: tags[0], box: box) })
    }

    /// The journal key of an item is SHA-256 over its source bytes, its preparation settings and its labels in a
    /// fixed text form: pinned, so that a journal written by an earlier release still skips what that release uploaded.
    /// (The expected digest was computed outside Swift: Python's `repr` of a double is the same shortest form.)
    @Test func theJournalKeyIsStableAcrossReleases() {
        let regions = [
            UploadRegion(tag: "crazing", box: BoundingBox(left: 0.1, top: 0.25, width: 1.0 / 3, height: 0.5)),
            UploadRegion(tag: "caf\u{e9}", box: BoundingBox(left: 0, top: 1e-05, width: 1, height: 0.125)),
        ]
        let key = UploadItem.key(source: [0xFF, 0xD8, 1, 2, 3], settings: "none", tags: ["b", "a"], regions: regions)
        #expect(key == "652637b3c100444ede6fd5264baef01d8a9df3b7d5e474f1a148c1bf5486b8c6")
    }

    @Test func plannerClosesBatchesAtSixtyFourImages() {
        var planner = BatchPlanner()
        var batches: [[UploadItem]] = []
        for i in 0..<150 { if let b = planner.add(item(i)) { batches.append(b) } }
        if let b = planner.flush() { batches.append(b) }
        #expect(batches.map(\.count) == [64, 64, 22])
    }

    @Test func theItemThatFillsABatchClosesIt() {
        // An upload whose dataset is still being read must not hold a full batch until the next item arrives.
        var planner = BatchPlanner()
        for i in 0..<63 { #expect(planner.add(item(i)) == nil) }
        let full = planner.add(item(63))
        #expect(full?.map(\.name) == (0..<64).map { "img\($0).jpg" })
        #expect(planner.flush() == nil)
    }

    @Test func plannerKeepsTwentyTagsAndARegionCapPerBatch() {
        var planner = BatchPlanner(limits: BatchLimits(images: 64, tags: 20, regions: 64, regionsPerRequest: 64,
                                                       bytes: 12 << 20, imageBytes: 6 << 20))
        var batches: [[UploadItem]] = []
        for i in 0..<30 { if let b = planner.add(item(i, tags: ["t\(i)"], regions: 5)) { batches.append(b) } }
        if let b = planner.flush() { batches.append(b) }
        for batch in batches {
            #expect(Set(batch.flatMap(\.allTags)).count <= 20)
            #expect(batch.map(\.regions.count).reduce(0, +) <= 64)
        }
        #expect(batches.map(\.count).reduce(0, +) == 30)
        #expect(batches.map(\.count) == [12, 12, 6])
    }

    @Test func plannerRespectsTheByteLimit() {
        var planner = BatchPlanner(limits: BatchLimits(images: 64, tags: 20, regions: 64, bytes: 1000, imageBytes: 600))
        var sizes: [Int] = []
        for i in 0..<5 { if let b = planner.add(item(i, bytes: 400)) { sizes.append(b.count) } }
        if let b = planner.flush() { sizes.append(b.count) }
        #expect(sizes == [2, 2, 1])
        #expect(planner.limits.failure(of: item(9, bytes: 700))?.status == "ErrorImageSize")
        #expect(planner.limits.failure(of: item(9, regions: 65))?.status == "ErrorRegionLimitExceed")
    }

    @Test func journalPersistsAcrossReopeningAndIgnoresATornLine() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvctl-journal-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("j.jsonl")
        let journal = try UploadJournal(url: url)
        try await journal.append([JournalEntry(hash: "h1", imageId: "i1", name: "a.jpg"),
                                  JournalEntry(hash: "h2", imageId: "i2", name: "b.jpg")])
        let handle = try #require(FileHandle(forWritingAtPath: url.path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"hash\":\"h3\",\"ima".utf8))
        try handle.close()
        let reopened = try UploadJournal(url: url)
        #expect(await reopened.count == 2)
        #expect(await reopened.imageId(for: "h2") == "i2")
        #expect(await reopened.imageId(for: "h3") == nil)
    }

    @Test func journalLinesAreJSONWhateverTheNames() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvctl-journal-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("j.jsonl")
        let names = [
            "a \"quoted\" name.jpg", "back\\slash/and/slash.jpg", "tab\tnew\nline.jpg", "caf\u{E9} \u{1F600}.jpg",
        ]
        let journal = try UploadJournal(url: url)
        try await journal.append(names.enumerated().map { JournalEntry(hash: "h\($0)", imageId: "i\($0)", name: $1) })
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let decoded = try lines.map { try JSONDecoder().decode(JournalEntry.self, from: Data($0.utf8)) }
        #expect(decoded.map(\.name) == names)
        #expect(decoded.map(\.imageId) == ["i0", "i1", "i2", "i3"])
        #expect(try await UploadJournal(url: url).count == names.count)
    }

    @Test func echoedNamesLoseTheServiceQuotes() {
        #expect(TrainingClient.echoedName("\"IMAGES/a b.jpg\"") == "IMAGES/a b.jpg")
        #expect(TrainingClient.echoedName("IMAGES/a.jpg") == "IMAGES/a.jpg")
        #expect(TrainingClient.echoedName("\"caf\u{E9}.jpg") == "caf\u{E9}.jpg")
        #expect(TrainingClient.echoedName("\"\"") == "")
        #expect(TrainingClient.echoedName(nil) == "")
    }

    @Test func itemHashDependsOnBytesTagsAndRegions() {
        let a = item(1, tags: ["x"])
        #expect(a.hash == item(1, tags: ["x"]).hash)
        #expect(a.hash != item(1, tags: ["y"]).hash)
        #expect(a.hash != item(1, tags: ["x"], regions: 1).hash)
        #expect(a.hash != item(2, tags: ["x"]).hash)
    }
}
