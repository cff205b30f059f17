import CustomVisionCore
@testable import CustomVisionServer
import Foundation
import Testing

/// Batches appended to open packs: what is stored where, what a restart finds, and what a torn last append leaves.
struct PackSegmentsTests {
    /// `count` distinct blobs of `size` bytes, with their digests.
    private func blobs(_ count: Int, size: Int = 1_000, seed: Int) -> [(digest: String, bytes: [UInt8])] {
        (0..<count).map { index in
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index &* 13 &+ seed &* 101) }
            var tagged = bytes
            withUnsafeBytes(of: (seed, index)) { tagged.append(contentsOf: $0) }
            return (SHA256.hex(tagged), tagged)
        }
    }

    private func packNames(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("packs").path).sorted()
    }

    private func expectStored(_ store: BlobStore, _ batches: [[(digest: String, bytes: [UInt8])]]) {
        for blob in batches.joined() { #expect(store.get(blob.digest) == blob.bytes) }
    }

    @Test func batchesAppendToOnePackThatARestartReadsBack() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let batches = (0..<6).map { blobs(5, seed: $0) }
        let store = try BlobStore(directory: dir)
        for batch in batches { try store.putAll(batch) }
        expectStored(store, batches)
        #expect(try packNames(dir).count == 1)
        let pack = try #require(try packNames(dir).first)
        let entries = try BlobPack.entries(at: dir.appendingPathComponent("packs/\(pack)").path)
        #expect(entries.map(\.digest) == batches.joined().map(\.digest))

        let reopened = try BlobStore(directory: dir)
        #expect(reopened.loadProblems.isEmpty)
        expectStored(reopened, batches)
        // A new run starts a pack of its own instead of appending to the old one.
        let later = blobs(3, seed: 99)
        try reopened.putAll(later)
        #expect(try packNames(dir).count == 2)
        expectStored(reopened, batches + [later])
    }

    @Test func aFullPackTakesNoMoreAppends() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Each batch takes 4 × (72 + 1,016) bytes; a pack of 10,000 takes two batches and is then full.
        let batches = (0..<6).map { blobs(4, seed: $0) }
        let store = try BlobStore(directory: dir, packCapacity: 10_000)
        for batch in batches { try store.putAll(batch) }
        #expect(try packNames(dir).count == 3)
        for name in try packNames(dir) {
            let path = dir.appendingPathComponent("packs/\(name)").path
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0) <= 10_000)
        }
        let reopened = try BlobStore(directory: dir)
        #expect(reopened.loadProblems.isEmpty)
        expectStored(reopened, batches)
    }

    @Test func concurrentBatchesAppendToSeparatePacksAndLoseNothing() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try BlobStore(directory: dir)
        let writers = 6
        let batches = (0..<writers * 8).map { blobs(4, size: 20_000, seed: $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for batch in stride(from: writer, to: batches.count, by: writers) {
                        try await BlockingIO.run { try store.putAll(batches[batch]) }
                    }
                }
            }
            try await group.waitForAll()
        }
        expectStored(store, batches)
        // Never more packs than batches were written at once.
        #expect((1...writers).contains(try packNames(dir).count))
        let reopened = try BlobStore(directory: dir)
        #expect(reopened.loadProblems.isEmpty)
        expectStored(reopened, batches)
        let stored = try packNames(dir).flatMap {
            try BlobPack.entries(at: dir.appendingPathComponent("packs/\($0)").path)
        }
        #expect(stored.count == batches.joined().count)
    }

    /// Appends `bytes` to the only pack in `dir`, as a crash in the middle of an append could leave it.
    private func tearLastAppend(_ dir: URL, _ bytes: [UInt8]) throws {
        try appendBytes(bytes, to: dir.appendingPathComponent("packs/\(try #require(try packNames(dir).first))"))
    }

    @Test(arguments: [
        "a header cut short", "a length running past the end", "a header that is not a digest",
    ])
    func aTornLastAppendKeepsTheEntriesBeforeIt(_ tear: String) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let batches = (0..<3).map { blobs(4, seed: $0) }
        let store = try BlobStore(directory: dir)
        for batch in batches { try store.putAll(batch) }
        let next = blobs(1, seed: 7)[0]
        let header = Array(next.digest.utf8) + withUnsafeBytes(of: UInt64(next.bytes.count).littleEndian, Array.init)
        switch tear {
        case "a header cut short": try tearLastAppend(dir, Array(header.prefix(40)))
        case "a length running past the end": try tearLastAppend(dir, header + Array(next.bytes.prefix(100)))
        default: try tearLastAppend(dir, [UInt8](repeating: 0, count: 4_096))
        }

        let reopened = try BlobStore(directory: dir)
        #expect(reopened.loadProblems.count == 1)
        #expect(reopened.loadProblems.first?.contains("damaged entry") == true)
        #expect(reopened.loadProblems.first?.contains("the 12 before it are kept") == true)
        expectStored(reopened, batches)
        #expect(!reopened.contains(next.digest))
        // Compaction rewrites the pack without the torn bytes.
        #expect(try reopened.compact() == 1)
        let pack = try #require(try packNames(dir).first)
        #expect(try packNames(dir).count == 1)
        #expect(try BlobPack.entries(at: dir.appendingPathComponent("packs/\(pack)").path).count == 12)
        let again = try BlobStore(directory: dir)
        #expect(again.loadProblems.isEmpty)
        expectStored(again, batches)
    }

    @Test func aBlobStoredTwiceIsReadFromTheCopyThatIsWhole() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let batch = blobs(3, seed: 1)
        let store = try BlobStore(directory: dir)
        try store.putAll(batch)
        let good = try #require(try packNames(dir).first)
        // A torn copy of the second blob (its bytes never reached the disk) in a pack read before the whole one.
        let torn = [UInt8](repeating: 0, count: batch[1].bytes.count)
        let name = "-torn.pack"
        #expect(name < good)
        let path = dir.appendingPathComponent("packs/\(name)").path
        _ = try BlobPack.write([(batch[1].digest, torn)], to: path)

        let reopened = try BlobStore(directory: dir)
        expectStored(reopened, [batch])
        // The pack with the torn copy holds a dead entry: compaction drops it (it holds nothing else).
        #expect(try reopened.compact() == 1)
        #expect(try packNames(dir) == [good])
        expectStored(try BlobStore(directory: dir), [batch])
    }
}
