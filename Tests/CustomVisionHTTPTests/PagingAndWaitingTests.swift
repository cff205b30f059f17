import CVTestSupport
import CustomVisionHTTP
import Foundation
import Testing

/// Paging over skip/take, the training and export waiters, and export downloads, against a real server.
@Suite struct PagingAndWaitingTests {
    static let project = UUID()
    static let iteration = UUID()

    func client(_ server: LoopbackHTTPServer, clock: InstantClock = InstantClock()) -> TrainingClient {
        TrainingClient(
            endpoint: server.baseURL, key: "paging-key",
            configuration: ClientConfiguration(retryPolicy: .none, clock: clock))
    }

    /// A server holding `count` images, answering GetImages / GetTaggedImages pages.
    func imageServer(count: Int) throws -> (LoopbackHTTPServer, [UUID]) {
        let ids = (0..<count).map { _ in UUID() }
        let server = try LoopbackHTTPServer { request in
            let skip = Int(request.query("skip") ?? "0") ?? 0
            let take = Int(request.query("take") ?? "50") ?? 50
            let page = ids.dropFirst(skip).prefix(take)
            return .json(
                200, "[" + page.map { #"{"id":"\#($0)","width":10,"height":10}"# }.joined(separator: ",") + "]")
        }
        return (server, ids)
    }

    @Test func imageListingsPageThroughEveryImage() async throws {
        let (server, ids) = try imageServer(count: 600)
        defer { server.stop() }
        var seen: [UUID] = []
        for try await image in client(server).images(projectId: Self.project, taggingStatus: .tagged, orderBy: .oldest)
        {
            seen.append(image.id)
        }
        #expect(seen == ids)
        let requests = server.requests
        #expect(requests.map { $0.query("skip") } == ["0", "256", "512"])
        #expect(requests.allSatisfy { $0.query("take") == "256" && $0.query("taggingStatus") == "Tagged" })
        #expect(requests.allSatisfy { $0.path.hasSuffix("/projects/\(Self.project.uuidString.lowercased())/images") })
    }

    @Test func anExactMultipleOfThePageSizeEndsWithAnEmptyPage() async throws {
        let (server, ids) = try imageServer(count: 20)
        defer { server.stop() }
        let all = try await client(server).taggedImages(projectId: Self.project, pageSize: 10).collect()
        #expect(all.map(\.id) == ids)
        #expect(server.requests.map { $0.query("skip") } == ["0", "10", "20"])
    }

    @Test func pageSizesAreClampedToTheServiceLimit() async throws {
        let (server, _) = try imageServer(count: 3)
        defer { server.stop() }
        let sequence = client(server).untaggedImages(projectId: Self.project, pageSize: 10_000)
        #expect(sequence.pageSize == 256)
        #expect(try await sequence.collect().count == 3)
    }

    @Test func waitingForAnIterationPollsWithGrowingPausesUntilItCompletes() async throws {
        let polls = Counter()
        let server = try LoopbackHTTPServer { _ in
            let status = polls.next() < 3 ? "Training" : "Completed"
            return .json(200, #"{"id":"\#(Self.iteration)","name":"Iteration 1","status":"\#(status)"}"#)
        }
        defer { server.stop() }
        let clock = InstantClock()
        let iteration = try await client(server, clock: clock).waitForIteration(
            projectId: Self.project, iterationId: Self.iteration, timeout: .seconds(60), pollInterval: .seconds(2))
        #expect(iteration.status == .completed)
        #expect(clock.sleeps == [.seconds(2), .seconds(3), .milliseconds(4500)])
        #expect(server.requests.count == 4)
    }

    @Test func aFailedIterationEndsTheWait() async throws {
        let server = try LoopbackHTTPServer { _ in
            .json(200, #"{"id":"\#(Self.iteration)","name":"i","status":"Failed"}"#)
        }
        defer { server.stop() }
        let iteration = try await client(server).waitForIteration(projectId: Self.project, iterationId: Self.iteration)
        #expect(iteration.status == .failed)
    }

    @Test func waitingGivesUpAtTheTimeout() async throws {
        let server = try LoopbackHTTPServer { _ in
            .json(200, #"{"id":"\#(Self.iteration)","name":"i","status":"Training"}"#)
        }
        defer { server.stop() }
        let clock = InstantClock()
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client(server, clock: clock).waitForIteration(
                projectId: Self.project, iterationId: Self.iteration, timeout: .seconds(10), pollInterval: .seconds(4))
        }
        #expect(error?.kind == .waitTimeout)
        #expect(error?.message.contains("Training") == true)
        #expect(clock.sleeps == [.seconds(4), .seconds(6)], "the last pause is cut to the time left")
    }

    @Test func waitingForAnExportThenDownloadingItStreamsTheArtifact() async throws {
        let artifact = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let polls = Counter()
        let blobs = try LoopbackHTTPServer { _ in .response(status: 200, body: artifact) }
        defer { blobs.stop() }
        let server = try LoopbackHTTPServer { request in
            if request.path.hasSuffix("/export") {
                let done = polls.next() >= 2
                let uri = done ? #","downloadUri":"\#(blobs.baseURL.absoluteString)/model.zip""# : ""
                return .json(
                    200,
                    #"[{"platform":"CoreML","status":"Done"},{"platform":"ONNX","flavor":"ONNX12","#
                        + #""status":"\#(done ? "Done" : "Exporting")"\#(uri)}]"#
                )
            }
            return .response(status: 200, body: artifact)
        }
        defer { server.stop() }
        let client = client(server)
        let export = try await client.waitForExport(
            projectId: Self.project, iterationId: Self.iteration, platform: .onnx, flavor: .onnx12,
            pollInterval: .seconds(1))
        #expect(export.status == .done)
        #expect(server.requests.count == 3)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-export-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try await client.downloadExport(
            export, projectId: Self.project, to: directory.appendingPathComponent("m.zip"))
        #expect(try Data(contentsOf: file) == artifact)
        #expect(blobs.requests.first?.path == "/model.zip")
        #expect(blobs.requests.first?.header("Training-Key") == nil, "the key is not sent to another origin")

        // A relative URI (VNET resources) goes through GetArtifact, with the key.
        var relative = export
        relative.downloadUri = "exports/m.zip"
        let viaArtifact = try await client.downloadExport(
            relative, projectId: Self.project, to: directory.appendingPathComponent("a.zip"))
        #expect(try Data(contentsOf: viaArtifact) == artifact)
        let last = try #require(server.requests.last)
        #expect(last.path.hasSuffix("/artifacts") && last.query("path") == "exports/m.zip")
        #expect(last.header("Training-Key") == "paging-key")

        // Images served by the endpoint itself get the key; the bytes stream into the file.
        let image = try await client.downloadImage(
            server.baseURL.absoluteString + "/images/original/1.jpg", projectId: Self.project,
            to: directory.appendingPathComponent("1.jpg"))
        #expect(try Data(contentsOf: image) == artifact)
        #expect(server.requests.last?.path == "/images/original/1.jpg")
        #expect(server.requests.last?.header("Training-Key") == "paging-key")
    }
}
