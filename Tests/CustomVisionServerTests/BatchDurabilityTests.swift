import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Image batches stored in packs: what survives a kill, a failed write, deletions and concurrent batches.
@Suite struct BatchDurabilityTests {
    @Test(.enabled(if: cvserverBinary != nil, "needs `swift build --product cvserver`"))
    func batchOf64SurvivesAKillWithEveryImageReadableOnce() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = (0..<64).map { TestPNG.solid(rgb: (UInt8($0 * 4), 120, 60), noise: 2) }
        let server = try ChildServer(binary: try #require(cvserverBinary), dataDir: dir)
        defer { server.kill() }
        let (created, body) = try await liveTraining(server.port, "POST", "projects?name=batch")
        #expect(created == 200)
        let project = try CustomVisionJSON.makeDecoder().decode(Project.self, from: body)
        var ids = try await liveUpload(server.port, project.id, images)
        #expect(ids.count == 64)
        // A second batch is appended to the first one's pack.
        let more = (0..<8).map { TestPNG.solid(rgb: (60, UInt8($0 * 20), 200), noise: 2) }
        ids += try await liveUpload(server.port, project.id, more)
        #expect(ids.count == 72)
        let stored = ids
        server.kill()  // SIGKILL right after the acknowledgement
        try Data([7]).write(to: dir.appendingPathComponent("tmp/left-by-the-kill"))

        try await withServer(testConfiguration(directory: dir)) { cv in
            let count = try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count"))
            #expect(count == 72)
            try await expectOriginals(cv, project.id, ids: stored, bytes: images + more)
            let again = try await cv.upload(project.id, images, status: .multiStatus)
            #expect(again.images?.allSatisfy { $0.status == .okDuplicate } == true)
            let after = try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count"))
            #expect(after == 72)
        }
        let digests = try storedBlobDigests(dir)
        #expect(digests.count == 72)
        #expect(Set(digests).count == 72)
        let packs = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("packs").path)
        #expect(packs.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("tmp").path).isEmpty)
    }

    @Test func failedBlobWriteFailsTheItemsWithoutCommittingRows() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tmp = dir.appendingPathComponent("tmp")
        try await withServer(testConfiguration(directory: dir)) { cv in
            let project = try await cv.createProject()
            // A file where the staging directory should be: every pack write fails.
            try FileManager.default.removeItem(at: tmp)
            try Data([1]).write(to: tmp)
            let failed = try await cv.upload(project.id, reds(3), status: .multiStatus)
            #expect(failed.isBatchSuccessful == false)
            #expect(failed.images?.map(\.status) == Array(repeating: .errorStorage, count: 3))
            #expect(failed.images?.allSatisfy { $0.image == nil } == true)
            let none = try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count"))
            #expect(none == 0)
            // Once the disk is writable again the same batch goes in whole.
            try FileManager.default.removeItem(at: tmp)
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
            let stored = try await cv.upload(project.id, reds(3))
            #expect(stored.images?.map(\.status) == Array(repeating: .ok, count: 3))
        }
        #expect(try storedBlobDigests(dir).count == 3)
    }

    @Test func restartCompactsPacksHoldingDeletedImages() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = reds(4)
        let (project, kept) = try await withServerResult(testConfiguration(directory: dir)) { cv in
            let project = try await cv.createProject()
            let ids = try await cv.upload(project.id, images).images?.compactMap(\.image?.id) ?? []
            #expect(ids.count == 4)
            let gone = ids.prefix(2).map(\.uuidString).joined(separator: ",")
            _ = try await cv.training(.delete, "projects/\(project.id)/images?imageIds=\(gone)")
            return (project.id, Array(ids.suffix(2)))
        }
        #expect(try storedBlobDigests(dir).count == 4)  // deleted bytes stay until the next start
        try await withServer(testConfiguration(directory: dir)) { cv in
            try await expectOriginals(cv, project, ids: kept, bytes: Array(images.suffix(2)))
        }
        #expect(try storedBlobDigests(dir).count == 2)
        let packs = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("packs").path)
        #expect(packs.count == 1)
    }

    @Test func aTornAppendOfAnImageDoesNotStandInForItAfterARestart() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = reds(3)
        let project = try await withServerResult(testConfiguration(directory: dir)) { cv in
            let project = try await cv.createProject()
            _ = try await cv.upload(project.id, Array(images.prefix(2)))
            return project.id
        }
        // A crash while the third image was appended: its entry is there in full length, but its bytes never
        // reached the disk, and no row was committed.
        let packs = dir.appendingPathComponent("packs")
        let pack = packs.appendingPathComponent(try #require(try FileManager.default.contentsOfDirectory(
            atPath: packs.path).first))
        let torn = packBytes([(SHA256.hex(images[2]), [UInt8](repeating: 0, count: images[2].count))]).dropFirst(8)
        try appendBytes(torn, to: pack)
        try await withServer(testConfiguration(directory: dir)) { cv in
            // The startup check dropped the unreferenced entry, so the image is stored again, not taken as there.
            let again = try await cv.upload(project, [images[2]])
            let id = try #require(again.images?.first?.image?.id)
            #expect(again.images?.first?.status == .ok)
            try await expectOriginals(cv, project, ids: [id], bytes: [images[2]])
        }
        #expect(try storedBlobDigests(dir).sorted() == images.map { SHA256.hex($0) }.sorted())
    }

    @Test func concurrentBatchesWithSharedImagesStoreEachImageOnce() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shared = blues(4)
        let project = try await withServerResult(testConfiguration(directory: dir)) { cv in
            let project = try await cv.createProject()
            let statuses = try await withThrowingTaskGroup(of: [ImageCreateStatus].self) { group in
                for batch in 0..<4 {
                    group.addTask {
                        let entries = (shared + reds(8, offset: batch * 8)).enumerated().map {
                            ImageFileCreateEntry(name: "b\($0)", contents: Data($1))
                        }
                        let response = try await cv.training(
                            .post, "projects/\(project.id)/images/files", json: ImageFileCreateBatch(images: entries))
                        let summary = try CV.decoder.decode(
                            ImageCreateSummary.self, from: Data(response.body.readableBytesView))
                        return summary.images?.compactMap(\.status) ?? []
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 48)
            #expect(statuses.filter { $0 == .ok }.count == 36)
            #expect(statuses.filter { $0 == .okDuplicate }.count == 12)
            return project.id
        }
        try await withServer(testConfiguration(directory: dir)) { cv in
            let count = try cv.decode(Int.self, try await cv.training(.get, "projects/\(project)/images/count"))
            #expect(count == 36)
        }
        let digests = try storedBlobDigests(dir)
        #expect(digests.count == 36)
        #expect(Set(digests).count == 36)
    }
}

/// Expects each image of `ids` to download as the matching `bytes`.
func expectOriginals(_ cv: CV, _ project: UUID, ids: [UUID], bytes: [[UInt8]]) async throws {
    let list = ids.map(\.uuidString).joined(separator: ",")
    let images = try cv.decode(
        [Image].self, try await cv.training(.get, "projects/\(project)/images/id?imageIds=\(list)"))
    #expect(images.count == ids.count)
    let expected = Dictionary(uniqueKeysWithValues: zip(ids, bytes))
    for image in images {
        let uri = try #require(image.originalImageUri.flatMap(URL.init(string:)))
        let response = try await cv.client.execute(uri: uri.path + "?" + (uri.query ?? ""), method: .get)
        #expect(response.status == .ok)
        #expect(Array(response.body.readableBytesView) == expected[image.id])
    }
}

/// Uploads `images` in one `/images/files` batch to the server on `port` and returns the created ids.
private func liveUpload(_ port: Int, _ project: UUID, _ images: [[UInt8]]) async throws -> [UUID] {
    let batch = ImageFileCreateBatch(
        images: images.enumerated().map { ImageFileCreateEntry(name: "i\($0).png", contents: Data($1)) })
    let (status, answer) = try await liveTraining(
        port, "POST", "projects/\(project)/images/files",
        body: try CustomVisionJSON.makeEncoder().encode(batch), contentType: "application/json")
    #expect(status == 200)
    let summary = try CustomVisionJSON.makeDecoder().decode(ImageCreateSummary.self, from: answer)
    return try (summary.images ?? []).map { try #require($0.image?.id) }
}

/// The digest of every blob stored under `dir`: loose files and pack entries (a blob stored twice counts twice).
func storedBlobDigests(_ dir: URL) throws -> [String] {
    let fm = FileManager.default
    let blobs = dir.appendingPathComponent("blobs")
    var digests = try fm.contentsOfDirectory(atPath: blobs.path).flatMap {
        try fm.contentsOfDirectory(atPath: blobs.appendingPathComponent($0).path)
    }
    let packs = dir.appendingPathComponent("packs")
    for name in try fm.contentsOfDirectory(atPath: packs.path) {
        let bytes = [UInt8](try Data(contentsOf: packs.appendingPathComponent(name)))
        #expect(bytes.starts(with: Array("CVPACK1\n".utf8)))
        var offset = 8
        while offset + 72 <= bytes.count {
            digests.append(String(decoding: bytes[offset..<offset + 64], as: UTF8.self))
            let length = bytes[offset + 64..<offset + 72].reversed().reduce(0) { $0 << 8 | Int($1) }
            offset += 72 + length
        }
        #expect(offset == bytes.count)
    }
    return digests
}

/// A pack file in the documented layout holding `blobs`.
func packBytes(_ blobs: [(digest: String, bytes: [UInt8])]) -> [UInt8] {
    blobs.reduce(Array("CVPACK1\n".utf8)) { pack, blob in
        pack + Array(blob.digest.utf8) + (0..<8).map { UInt8(truncatingIfNeeded: blob.bytes.count >> (8 * $0)) }
            + blob.bytes
    }
}
