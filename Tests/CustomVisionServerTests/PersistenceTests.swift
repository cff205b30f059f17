import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import CustomVisionTraining
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct PersistenceTests {
    @Test func keepsEverythingAcrossARestart() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (projectId, imageIds, iterationId) = try await withServerResult(testConfiguration(directory: dir)) { cv in
            let (project, _, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            _ = try cv.decode(
                Bool.self,
                try await cv.training(
                    .post, "projects/\(project.id)/iterations/\(iteration.id)/publish?publishName=p&predictionId=r"))
            let images = try cv.decode(
                [Image].self, try await cv.training(.get, "projects/\(project.id)/images/tagged"))
            return (project.id, images.map(\.id), iteration.id)
        }
        try await withServer(testConfiguration(directory: dir)) { cv in
            let project = try cv.decode(Project.self, try await cv.training(.get, "projects/\(projectId)"))
            #expect(project.name == "rb")
            let images = try cv.decode([Image].self, try await cv.training(.get, "projects/\(projectId)/images/tagged"))
            #expect(Set(images.map(\.id)) == Set(imageIds))
            let iteration = try cv.decode(
                Iteration.self,
                try await cv.training(.get, "projects/\(projectId)/iterations/\(iterationId)"))
            #expect(iteration.status == .completed && iteration.publishName == "p")
            // The model is loaded from its file after the restart.
            let result = try cv.decode(
                ImagePrediction.self,
                try await cv.prediction(
                    .post, "\(projectId)/classify/iterations/p/image", body: blues(1, offset: 30)[0]))
            #expect(result.predictions?.first?.tagName == "blue")
            let uri = try #require(images.first?.originalImageUri.flatMap(URL.init(string:)))
            let bytes = try await cv.client.execute(uri: uri.path + "?" + (uri.query ?? ""), method: .get)
            #expect(bytes.status == .ok && bytes.body.readableBytes > 0)
        }
    }

    @Test func marksTrainingInterruptedByARestartAsFailed() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (projectId, iterationId) = try await withServerResult(
            testConfiguration(directory: dir, backend: SlowBackend())
        ) { cv in
            let (project, _, _) = try await redBlueProject(cv)
            let started = try cv.decode(Iteration.self, try await cv.training(.post, "projects/\(project.id)/train"))
            return (project.id, started.id)
        }
        try await withServer(testConfiguration(directory: dir)) { cv in
            let iteration = try cv.decode(Iteration.self,
                try await cv.training(.get, "projects/\(projectId)/iterations/\(iterationId)"))
            #expect(iteration.status == .failed)
            // The project can train again.
            let again = try await trainAndWait(cv, projectId)
            #expect(again.status == .completed)
        }
    }

    @Test func startupCheckRemovesOrphanBlobsAndRowsWithoutBytes() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let projectId = try await withServerResult(testConfiguration(directory: dir)) { cv in
            let project = try await cv.createProject()
            _ = try await cv.upload(project.id, reds(1))
            return project.id
        }
        try await withServer(testConfiguration(directory: dir)) { cv in
            _ = try await cv.upload(projectId, reds(1, offset: 1))  // a new server starts a pack of its own
        }
        // Simulate a crash between blob and row (orphan blobs, loose and packed) and lost bytes (a row without them).
        let blobs = dir.appendingPathComponent("blobs")
        let packs = dir.appendingPathComponent("packs")
        let fm = FileManager.default
        let stored = try fm.contentsOfDirectory(atPath: packs.path)
        #expect(stored.count == 2)
        #expect(try storedBlobDigests(dir).count == 2)
        try fm.removeItem(at: packs.appendingPathComponent(stored[0]))
        let orphan = String(repeating: "ab", count: 32)
        try fm.createDirectory(at: blobs.appendingPathComponent("ab"), withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: blobs.appendingPathComponent("ab/\(orphan)"))
        let orphanPack = packBytes([(String(repeating: "cd", count: 32), [4, 5])])
        try Data(orphanPack).write(to: packs.appendingPathComponent("o.pack"))
        try Data([9]).write(to: dir.appendingPathComponent("tmp/half-written"))
        try await withServer(testConfiguration(directory: dir)) { cv in
            let count = try cv.decode(Int.self, try await cv.training(.get, "projects/\(projectId)/images/count"))
            #expect(count == 1)
        }
        #expect(!fm.fileExists(atPath: blobs.appendingPathComponent("ab/\(orphan)").path))
        #expect(!fm.fileExists(atPath: packs.appendingPathComponent("o.pack").path))
        #expect(try storedBlobDigests(dir).count == 1)
        #expect(try fm.contentsOfDirectory(atPath: dir.appendingPathComponent("tmp").path).isEmpty)
    }
}

/// A trainer that outlives the test's first server (it gives up after a while).
struct SlowBackend: ModelBackend {
    func train(_ request: TrainingRequest) async throws -> TrainedArtifact {
        try await Task.sleep(for: .seconds(30))
        throw TrainingError(code: .badRequestNotSupported, message: "slow")
    }
    func load(_ data: Data) throws -> any ServedModel { throw TrainingError(code: .badRequestNotSupported, message: "") }
}
