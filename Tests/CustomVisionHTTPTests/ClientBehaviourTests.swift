import CVTestSupport
import CustomVisionHTTP
import Foundation
import Testing

/// The clients over CurlTransport against a real server on 127.0.0.1: errors, bad bodies, keys kept secret,
/// retries on real sockets.
@Suite struct ClientBehaviourTests {
    static let key = "s3cr3t-training-key-0123456789abcdef"
    static let project = UUID()

    func client(
        _ server: LoopbackHTTPServer, retry: RetryPolicy = .none, clock: any Clock<Duration> = InstantClock(),
        logs: LogCapture? = nil, timeout: Duration = .seconds(10)
    ) -> TrainingClient {
        TrainingClient(
            endpoint: server.baseURL, key: Self.key,
            configuration: ClientConfiguration(retryPolicy: retry, requestTimeout: timeout, clock: clock),
            logger: logs?.logger() ?? .customVisionSilent)
    }

    @Test func aNonJSONErrorBodyBecomesAClearError() async throws {
        let server = try LoopbackHTTPServer { _ in
            .response(
                status: 502, headers: [("Content-Type", "text/html"), ("x-ms-request-id", "abc")],
                body: Data("<html><body>Bad gateway</body></html>".utf8))
        }
        defer { server.stop() }
        let error = await #expect(throws: CustomVisionClientError.self) { try await client(server).getProjects() }
        #expect(error?.kind == .service)
        #expect(error?.status == 502)
        #expect(error?.code == nil)
        #expect(error?.requestID == "abc")
        #expect(error?.message.contains("Bad gateway") == true)
        #expect(error?.description.hasPrefix("GetProjects failed: HTTP 502") == true)
    }

    @Test func gatewayErrorsWrappedInAnErrorObjectAreRead() async throws {
        let server = try LoopbackHTTPServer { _ in
            .json(401, #"{"error":{"code":"401","message":"Access denied due to invalid subscription key."}}"#)
        }
        defer { server.stop() }
        let error = await #expect(throws: CustomVisionClientError.self) { try await client(server).getDomains() }
        #expect(error?.code?.rawValue == "401")
        #expect(error?.message.hasPrefix("Access denied") == true)
    }

    @Test func truncatedJSONIsAnInvalidResponse() async throws {
        let server = try LoopbackHTTPServer { _ in .json(200, #"{"id":"\#(Self.project)","name":"p","sett"#) }
        defer { server.stop() }
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client(server).getProject(projectId: Self.project)
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.status == 200)
        #expect(error?.operationID == "GetProject")
        #expect(error?.message.contains("not a valid JSON Project") == true)
        #expect(error?.underlyingError is DecodingError)
    }

    @Test func anEmptyBodyWhereJSONIsDueIsAnInvalidResponse() async throws {
        let server = try LoopbackHTTPServer { _ in .response(status: 200) }
        defer { server.stop() }
        let client = client(server)
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client.getIterations(projectId: Self.project)
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message.contains("empty body") == true)
        // Operations without a result accept an empty 200 as well as 204.
        try await client.deleteProject(projectId: Self.project)
    }

    @Test func unknownEnumValuesDecodeAndSurvive() async throws {
        let iteration = UUID()
        let server = try LoopbackHTTPServer { _ in
            .json(
                200,
                #"[{"id":"\#(iteration)","name":"i","status":"Queued","trainingType":"Turbo","#
                    + #""exportableTo":["OpenVino"],"classificationType":"Hierarchical","unknownField":1}]"#
            )
        }
        defer { server.stop() }
        let iterations = try await client(server).getIterations(projectId: Self.project)
        #expect(iterations.first?.status == IterationStatus("Queued"))
        #expect(iterations.first?.trainingType?.rawValue == "Turbo")
        #expect(iterations.first?.exportableTo == [ExportPlatform("OpenVino")])
        let reencoded = String(decoding: try CustomVisionJSON.makeEncoder().encode(iterations), as: UTF8.self)
        #expect(reencoded.contains(#""status":"Queued""#) && reencoded.contains(#""OpenVino""#))
    }

    @Test func aPartialBatchReturnsItsSummary() async throws {
        let server = try LoopbackHTTPServer { _ in
            .json(
                207,
                #"{"isBatchSuccessful":false,"images":[{"sourceUrl":"\"a.jpg\"","status":"OKDuplicate"},"#
                    + #"{"sourceUrl":"\"b.jpg\"","status":"ErrorImageFormat","image":null}]}"#
            )
        }
        defer { server.stop() }
        let summary = try await client(server).createImagesFromData(
            projectId: Self.project,
            images: [ImageUpload(name: "a.jpg", data: Data([1])), ImageUpload(name: "b.jpg", bytes: [2, 3])])
        #expect(summary.isBatchSuccessful == false)
        #expect(summary.images?.map(\.status) == [.okDuplicate, .errorImageFormat])
        // The [UInt8] form (ImagePrep's) sends the same bytes as the Data form.
        #expect(server.requests.first?.body.contains(Data("\r\n\r\n\u{2}\u{3}\r\n".utf8)) == true)
    }

    @Test func limitsAreCheckedBeforeSending() async throws {
        let server = try LoopbackHTTPServer { _ in .json(200, "[]") }
        defer { server.stop() }
        let client = client(server)
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client.getImages(projectId: Self.project, take: 257)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.attempts == 0)
        let tooMany = (0..<65).map { ImageUpload(name: "\($0).jpg", data: Data([1])) }
        await #expect(throws: CustomVisionClientError.self) {
            try await client.createImagesFromData(projectId: Self.project, images: tooMany)
        }
        let tags = (0..<21).map { _ in UUID() }
        let entry = ImageFileCreateEntry(name: "a.jpg", contents: Data([1]))
        for batch in [ImageFileCreateBatch(images: []), ImageFileCreateBatch(images: [entry], tagIds: tags)] {
            let refused = await #expect(throws: CustomVisionClientError.self) {
                try await client.createImagesFromFiles(projectId: Self.project, batch: batch)
            }
            #expect(refused?.kind == .invalidRequest)
        }
        await #expect(throws: CustomVisionClientError.self) {
            try await client.createImagesFromUrls(
                projectId: Self.project, batch: ImageUrlCreateBatch(images: [ImageUrlCreateEntry(url: "http://x/a")],
                                                                    tagIds: tags))
        }
        await #expect(throws: CustomVisionClientError.self) {
            try await client.quickTestImage(
                projectId: Self.project, imageData: Data(count: ServiceLimits.maxTrainingImageBytes + 1))
        }
        #expect(server.requests.isEmpty)
    }

    @Test func aKeyWithALineBreakIsRefusedWithoutSendingOrShowingIt() async throws {
        let server = try LoopbackHTTPServer { _ in .json(200, "[]") }
        defer { server.stop() }
        let forged = "abc\r\nX-Injected: 1"
        let client = TrainingClient(endpoint: server.baseURL, key: forged)
        let error = await #expect(throws: CustomVisionClientError.self) { try await client.getProjects() }
        #expect(error?.kind == .invalidRequest)
        #expect(error.map { !String(describing: $0).contains("abc") } == true)
        #expect(server.requests.isEmpty)
    }

    @Test func theKeyNeverAppearsInErrorsOrLogs() async throws {
        let logs = LogCapture()
        let server = try LoopbackHTTPServer { request in
            // A hostile or buggy server echoing the key back.
            .json(403, #"{"code":"Forbidden","message":"key \#(request.header("Training-Key") ?? "") is not allowed"}"#)
        }
        defer { server.stop() }
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client(server, logs: logs).getProjects()
        }
        let error2 = await #expect(throws: CustomVisionClientError.self) {
            try await client(server, logs: logs).createTag(projectId: Self.project, name: "x")
        }
        #expect(server.requests.first?.header("Training-Key") == Self.key, "the key is sent")
        for text in [
            error.map(String.init(describing:)), error?.message, error?.localizedDescription,
            error2.map(String.init(describing:)), "\(String(reflecting: error))",
        ].compactMap({ $0 }) {
            #expect(!text.contains(Self.key), "\(text)")
        }
        #expect(error?.message.contains("***") == true)
        let lines = logs.lines
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { !$0.contains(Self.key) })
        #expect(lines.contains { $0.contains("Training-Key: ***") }, "requests are logged with the key redacted")
        #expect(lines.contains { $0.contains("HTTP 403") })
    }

    @Test func throttlingIsRetriedOnRealSockets() async throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in
            counter.next() < 2
                ? .json(429, #"{"code":"ErrorUnknown","message":"slow down"}"#, headers: [("Retry-After", "3")])
                : .json(200, "[]")
        }
        defer { server.stop() }
        let clock = InstantClock()
        let projects = try await client(server, retry: .default, clock: clock).getProjects()
        #expect(projects.isEmpty)
        #expect(clock.sleeps == [.seconds(3), .seconds(3)])
        #expect(server.requests.count == 3)
        #expect(server.connectionCount == 1, "retries reuse the connection")
    }

    @Test func aDroppedConnectionIsRetriedForReadsOnly() async throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in counter.next() == 0 ? .closeWithoutResponse : .json(200, "[]") }
        defer { server.stop() }
        let clock = InstantClock()
        let domains = try await client(server, retry: .default, clock: clock).getDomains()
        #expect(domains.isEmpty)
        #expect(server.requests.count == 2)

        let unsafeServer = try LoopbackHTTPServer { _ in .closeWithoutResponse }
        defer { unsafeServer.stop() }
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client(unsafeServer, retry: .default, clock: clock).trainProject(projectId: Self.project)
        }
        #expect(error?.kind == .transport)
        #expect(error?.curlCode == 52)
        #expect(error?.curlMessage?.isEmpty == false)
        #expect(unsafeServer.requests.count == 1)
    }

    @Test func aHangingServerIsATimeoutError() async throws {
        let server = try LoopbackHTTPServer { _ in .hang }
        defer { server.stop() }
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client(server, timeout: .milliseconds(300)).getIteration(
                projectId: Self.project, iterationId: Self.project)
        }
        #expect(error?.kind == .timeout)
        #expect(error?.curlCode == 28)
    }
}

/// Counts calls across threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Returns the count so far, then adds one.
    func next() -> Int {
        lock.withLock {
            defer { value += 1 }
            return value
        }
    }
}
