import CVTestSupport
import CustomVisionCore
import CustomVisionHTTP
import CustomVisionServer
import Foundation
import Testing

/// Runs `body` with a live in-process server on 127.0.0.1 and an ephemeral port, stopped afterwards.
func withLiveServer<T: Sendable>(
    _ configuration: ServerConfiguration = testConfiguration(), _ body: (RunningServer) async throws -> T
) async throws -> T {
    let server = try await RunningServer.start(configuration)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// Clients of the project's own libcurl SDK, retrying fast.
func clients(_ server: RunningServer) -> (TrainingClient, PredictionClient) {
    let endpoint = URL(string: server.endpoint)!
    let configuration = ClientConfiguration(
        retryPolicy: RetryPolicy(maxAttempts: 8, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50)))
    return (
        TrainingClient(endpoint: endpoint, key: trainingKey, configuration: configuration),
        PredictionClient(endpoint: endpoint, key: predictionKey, configuration: configuration)
    )
}

@Suite struct LiveTests {
    @Test func runsTheWholeWorkflowThroughTheCurlClient() async throws {
        try await withLiveServer { server in
            #expect(server.port > 0)
            let (training, prediction) = clients(server)
            let project = try await training.createProject(name: "live")
            let red = try await training.createTag(projectId: project.id, name: "red")
            let blue = try await training.createTag(projectId: project.id, name: "blue")
            let redUpload = try await training.createImagesFromData(
                projectId: project.id,
                images: reds(6).enumerated().map { ImageUpload(name: "r\($0.offset).png", data: Data($0.element)) },
                tagIds: [red.id])
            #expect(redUpload.isBatchSuccessful == true)
            _ = try await training.createImagesFromData(
                projectId: project.id, images: blues(6).map { ImageUpload(name: "b.png", data: Data($0)) },
                tagIds: [blue.id])
            let started = try await training.trainProject(projectId: project.id)
            let iteration = try await training.waitForIteration(
                projectId: project.id, iterationId: started.id, timeout: .seconds(60), pollInterval: .milliseconds(20))
            #expect(iteration.status == .completed)
            let performance = try await training.getIterationPerformance(
                projectId: project.id, iterationId: iteration.id)
            #expect(performance.precision == 1)
            try await training.publishIteration(
                projectId: project.id, iterationId: iteration.id, publishName: "live", predictionId: "resource")
            let result = try await prediction.classifyImage(
                projectId: project.id, publishedName: "live", imageData: Data(reds(1, offset: 30)[0]))
            #expect(result.predictions?.first?.tagId == red.id)
            // Images come back through the signed URLs.
            let uri = try #require(redUpload.images?.first?.image?.originalImageUri)
            let file = temporaryDirectory().appendingPathComponent("image.png")
            defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
            try await training.downloadImage(uri, projectId: project.id, to: file)
            #expect(try Data(contentsOf: file) == Data(reds(1)[0]))
            // A wrong key is the service's 401.
            let wrong = TrainingClient(endpoint: URL(string: server.endpoint)!, key: "nope")
            await #expect(throws: CustomVisionClientError.self) { try await wrong.getProjects() }
        }
    }

    @Test func clientsLoseNothingUnderInjectedFaults() async throws {
        let faults = FaultConfiguration(rate: 0.3, kinds: [.serverError, .reset], seed: 11)
        try await withLiveServer(testConfiguration(faults: faults)) { server in
            let (training, _) = clients(server)
            let project = try await training.createProject(name: "faulty")
            for (i, png) in reds(20).enumerated() {
                let summary = try await training.createImagesFromData(
                    projectId: project.id, images: [ImageUpload(name: "\(i).png", data: Data(png))])
                // A retried upload whose first attempt was stored answers OKDuplicate: nothing is lost or doubled.
                #expect(summary.images?.first?.status == .ok || summary.images?.first?.status == .okDuplicate)
            }
            var count = -1
            while count < 0 {  // the count call itself may meet a fault; the client retries it
                count = try await training.getImageCount(projectId: project.id)
            }
            #expect(count == 20)
        }
    }

    @Test func importsImagesFromURLsOnlyWhenLocalTargetsAreAllowed() async throws {
        try await withLiveServer { host in
            let (hostClient, _) = clients(host)
            let source = try await hostClient.createProject(name: "source")
            let uploaded = try await hostClient.createImagesFromData(
                projectId: source.id, images: [ImageUpload(name: "x.png", data: Data(blues(1)[0]))])
            let url = try #require(uploaded.images?.first?.image?.originalImageUri)
            let batch = ImageUrlCreateBatch(images: [
                ImageUrlCreateEntry(url: url), ImageUrlCreateEntry(url: "ftp://x/y"),
            ])
            try await withLiveServer(testConfiguration(allowLocalURLs: true)) { allowing in
                let (client, _) = clients(allowing)
                let project = try await client.createProject(name: "importer")
                let summary = try await client.createImagesFromUrls(projectId: project.id, batch: batch)
                #expect(summary.images?.map(\.status) == [.ok, .errorSource])
                #expect(summary.images?.first?.sourceUrl == url)
            }
            try await withLiveServer { refusing in
                let (client, _) = clients(refusing)
                let project = try await client.createProject(name: "importer")
                let summary = try await client.createImagesFromUrls(projectId: project.id, batch: batch)
                #expect(summary.images?.map(\.status) == [.errorSource, .errorSource])
            }
        }
    }
}
