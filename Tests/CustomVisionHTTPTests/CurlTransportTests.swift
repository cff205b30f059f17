import CVTestSupport
@testable import CustomVisionHTTP
import Foundation
import Testing

/// CurlTransport against a real HTTP server on 127.0.0.1.
@Suite struct CurlTransportTests {
    func transport(timeout: Duration = .seconds(10)) -> CurlTransport {
        var configuration = CurlTransport.Configuration()
        configuration.timeout = timeout
        configuration.connectTimeout = .seconds(2)
        return CurlTransport(configuration: configuration)
    }

    func get(_ server: LoopbackHTTPServer, _ path: String = "/x", download: URL? = nil) -> TransportRequest {
        TransportRequest(method: .get, url: server.baseURL.appendingPathComponent(path), downloadDestination: download)
    }

    /// Non-repeating-looking bytes, built fast: 1 MiB blocks that differ from each other.
    static func pattern(megabytes: Int) -> Data {
        let block = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 9)) })
        var data = Data(capacity: megabytes << 20)
        for index in 0..<megabytes {
            data.append(UInt8(index))
            data.append(block.dropLast())
        }
        return data
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let server = try LoopbackHTTPServer { request in .json(200, #"{"path":"\#(request.path)"}"#) }
        defer { server.stop() }
        let transport = transport()
        for index in 0..<5 {
            let response = try await transport.send(get(server, "/r\(index)"))
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"path":"/r\#(index)"}"#)
            #expect(response.headers["content-type"] == "application/json")
        }
        #expect(server.connectionCount == 1)
        #expect(server.requests.map(\.connectionID) == [1, 1, 1, 1, 1])
    }

    // Latency is measured by `cvbench`, not asserted here: timed tests fail on a loaded machine.
    @Test func manyRequestsShareOneConnection() async throws {
        let server = try LoopbackHTTPServer { _ in .json(200, #"{"ok":true}"#) }
        defer { server.stop() }
        let transport = transport()
        for _ in 0..<100 { _ = try await transport.send(get(server)) }
        #expect(server.requests.count == 100)
        #expect(server.connectionCount == 1)
    }

    @Test func concurrentTransfersRunTogetherOffTheCooperativePool() async throws {
        // 12 transfers the server holds for 1 s each. No clock: a loaded machine makes any time bound flaky. curl
        // opens a further connection only while the others are busy, so 8 or more connections (curl's per-host
        // limit here) is the proof that the transfers ran at once — which they could not if they held the
        // cooperative pool's threads (there are as many as cores).
        let server = try LoopbackHTTPServer { _ in .delayed(.seconds(1), .json(200, "{}")) }
        defer { server.stop() }
        let transport = transport()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<12 { group.addTask { try await transport.send(get(server, "/c\(index)")).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 12))
        #expect(server.connectionCount >= 8, "transfers to one host run on up to 8 connections at once")
    }

    /// The names of the process's threads.
    static func threadNames() -> Set<String> {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return Set(tasks.compactMap { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        })
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/task")))
    func releasingATransportWaitsUntilItsThreadHasEnded() async throws {
        // A loop thread still ending while the process exits races OpenSSL's exit-time cleanup (a double free,
        // seen under load): the transport's deinit joins the thread, so it is gone when the deinit returns.
        let server = try LoopbackHTTPServer { _ in .json(200, "{}") }
        defer { server.stop() }
        var transport: CurlTransport? = transport()
        let loop = try #require(transport?.loop)
        #expect(try await transport?.send(get(server)).status == 200)
        #expect(Self.threadNames().contains(loop.threadName))
        #expect(!loop.hasEnded)
        transport = nil
        // Joined by the deinit: the thread's loop had returned before the deinit did.
        #expect(loop.hasEnded)
        // The kernel removes an ended thread's /proc entry a moment after the join returns (under load, long enough
        // to be seen): it must go.
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.threadNames().contains(loop.threadName), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(!Self.threadNames().contains(loop.threadName))
    }

    @Test func requestsCanGoThroughAProxy() async throws {
        let proxy = try LoopbackHTTPServer { _ in .json(200, #"{"via":"proxy"}"#) }
        defer { proxy.stop() }
        var configuration = CurlTransport.Configuration()
        configuration.proxy = proxy.baseURL.absoluteString
        let transport = CurlTransport(configuration: configuration)
        // Port 1 on loopback has no server: only the proxy can answer.
        let response = try await transport.send(
            TransportRequest(method: .get, url: URL(string: "http://127.0.0.1:1/x?a=1")!))
        #expect(response.status == 200)
        #expect(proxy.requests.first?.target == "http://127.0.0.1:1/x?a=1", "a proxy gets the absolute URI")
    }

    @Test func aHangingServerTimesOut() async throws {
        let server = try LoopbackHTTPServer { _ in .hang }
        defer { server.stop() }
        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: CurlError.self) {
            try await transport(timeout: .milliseconds(400)).send(get(server))
        }
        #expect(error?.code == .operationTimedOut)
        #expect(error?.message.isEmpty == false)
        // The server never answers: ending at all, with curl's timeout code, is the proof. The bound is loose: with
        // the whole suite running, the tasks that train models can keep this one waiting for a turn for many seconds.
        #expect(clock.now - started < .seconds(120))
    }

    @Test func cancellingTheTaskAbortsTheTransferPromptly() async throws {
        let server = try LoopbackHTTPServer { _ in .hang }
        defer { server.stop() }
        let transport = transport(timeout: .seconds(600))
        let request = get(server)
        let task = Task { try await transport.send(request) }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let clock = ContinuousClock()
        let cancelled = clock.now
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        // Far under the 600 s timeout: cancellation, not the timeout, ended the transfer. The bound is loose: with the
        // whole suite running, the tasks that train models can keep this one waiting for a turn for many seconds.
        #expect(clock.now - cancelled < .seconds(120), "cancellation took \(clock.now - cancelled)")
    }

    @Test func aConnectionClosedMidBodyIsAPartialFile() async throws {
        let server = try LoopbackHTTPServer { _ in
            .closeMidResponse(status: 200, declaredLength: 1000, sent: Data("{\"a\":".utf8))
        }
        defer { server.stop() }
        let error = await #expect(throws: CurlError.self) { try await transport().send(get(server)) }
        #expect(error?.code == .partialFile)
        #expect(error?.isTransient == true)
        #expect(error?.requestNotSent == false)
    }

    @Test func aConnectionClosedWithoutAnswerIsGotNothing() async throws {
        let server = try LoopbackHTTPServer { _ in .closeWithoutResponse }
        defer { server.stop() }
        let error = await #expect(throws: CurlError.self) { try await transport().send(get(server)) }
        #expect(error?.code == .gotNothing)
    }

    @Test func aRefusedConnectionIsReportedAsNotSent() async throws {
        let server = try LoopbackHTTPServer { _ in .json(200, "{}") }
        let url = server.baseURL
        server.stop()
        let error = await #expect(throws: CurlError.self) {
            try await transport().send(TransportRequest(method: .get, url: url))
        }
        #expect(error?.code == .couldntConnect)
        #expect(error?.requestNotSent == true)
    }

    @Test func httpsToAPlainServerFailsTheTLSHandshake() async throws {
        let server = try LoopbackHTTPServer { _ in .closeWithoutResponse }
        defer { server.stop() }
        let url = URL(string: "https://127.0.0.1:\(server.port)/")!
        let error = await #expect(throws: CurlError.self) {
            try await transport().send(TransportRequest(method: .get, url: url))
        }
        #expect(error?.code == .sslConnectError)
    }

    @Test func largeBodiesArriveWhole() async throws {
        let body = Self.pattern(megabytes: 12)
        let server = try LoopbackHTTPServer { _ in .response(status: 200, body: body) }
        defer { server.stop() }
        let response = try await transport().send(get(server))
        #expect(response.body.count == body.count)
        #expect(response.body == body)
    }

    @Test func downloadsStreamIntoTheDestinationFile() async throws {
        let body = Self.pattern(megabytes: 24)
        let server = try LoopbackHTTPServer { request in
            request.path == "/missing"
                ? .json(404, #"{"code":"NotFound","message":"gone"}"#) : .response(status: 200, body: body)
        }
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-download-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = directory.appendingPathComponent("model.zip")

        let response = try await transport().send(get(server, "/export", download: destination))
        #expect(response.bodyFile == destination)
        #expect(response.body.isEmpty, "a streamed body must not also be kept in memory")
        #expect(try Data(contentsOf: destination) == body)

        // An error status is not written to the file; its body stays in memory for the error.
        let missing = directory.appendingPathComponent("missing.zip")
        let failed = try await transport().send(get(server, "/missing", download: missing))
        #expect(failed.status == 404)
        #expect(failed.bodyFile == nil)
        #expect(String(decoding: failed.body, as: UTF8.self).contains("NotFound"))
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.zip"])
    }

    @Test func anInterruptedDownloadLeavesNoFile() async throws {
        let server = try LoopbackHTTPServer { _ in
            .closeMidResponse(status: 200, declaredLength: 1 << 20, sent: Data(repeating: 7, count: 100_000))
        }
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-partial-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = directory.appendingPathComponent("artifact.bin")
        await #expect(throws: CurlError.self) { try await transport().send(get(server, download: destination)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func aBodyIsSentAgainWholeWhenAReusedConnectionTurnsOutDead() async throws {
        // Request 2 arrives on the kept-alive connection, which the server then closes without answering: curl
        // retries on a fresh connection and must rewind the body it streams from our buffer.
        let calls = Locked(0)
        let server = try LoopbackHTTPServer { _ in
            let call = calls.withLock { count -> Int in
                count += 1
                return count
            }
            return call == 2 ? .closeWithoutResponse : .response(status: 200)
        }
        defer { server.stop() }
        let transport = transport()
        let body = Self.pattern(megabytes: 3)
        for _ in 0..<2 {
            let response = try await transport.send(
                TransportRequest(
                    method: .post, url: server.baseURL, body: .bytes(body, contentType: "application/json")))
            #expect(response.status == 200)
        }
        let requests = server.requests
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.body == body })
        #expect(requests.map(\.connectionID) == [1, 1, 2])
    }

    @Test func bodiesAndMethodsGoOutAsGiven() async throws {
        let server = try LoopbackHTTPServer { _ in .response(status: 204) }
        defer { server.stop() }
        let transport = transport()
        let image = Self.pattern(megabytes: 5)
        let json = Data(#"{"name":"x"}"#.utf8)
        var headers = TransportHeaders()
        headers.add("Training-Key", "k")
        _ = try await transport.send(
            TransportRequest(
                method: .patch, url: server.baseURL, headers: headers,
                body: .bytes(json, contentType: "application/json")))
        _ = try await transport.send(
            TransportRequest(
                method: .post, url: server.baseURL,
                body: .multipart([
                    MultipartPart(name: "imageData", filename: "big.jpg", contentType: "image/jpeg", data: image),
                    MultipartPart(name: "imageData", filename: "empty.jpg", data: Data()),
                ])))
        _ = try await transport.send(TransportRequest(method: .delete, url: server.baseURL))
        _ = try await transport.send(TransportRequest(method: .post, url: server.baseURL))

        let requests = server.requests
        #expect(requests.map(\.method) == ["PATCH", "POST", "DELETE", "POST"])
        #expect(requests[0].body == json)
        #expect(requests[0].header("Content-Type") == "application/json")
        #expect(requests[0].header("Training-Key") == "k")
        let parts = try #require(requests[1].multipartParts)
        #expect(parts.map(\.filename) == ["big.jpg", "empty.jpg"])
        #expect(parts[0].data == image)
        #expect(parts[1].data.isEmpty)
        #expect(requests[1].header("Expect") == nil, "no 100-continue round trip")
        #expect(requests[2].body.isEmpty)
        #expect(requests[3].header("Content-Length") == "0")
    }
}
