import CustomVisionCore
import CustomVisionServer
import Foundation
import Glibc
import Testing

/// How connections end: a request that trickles in, and requests that do not keep their connection alive.
@Suite struct ConnectionLimitTests {
    /// A trickle resets the idle timeout with every byte, so only the request deadline ends it.
    @Test(arguments: [false, true])
    func closesAConnectionWhoseRequestTricklesIn(headArrivesWhole: Bool) async throws {
        var configuration = testConfiguration()
        configuration.idleTimeout = .seconds(120)
        configuration.requestTimeout = .milliseconds(500)
        try await withLiveServer(configuration) { server in
            let head = "POST /customvision/v3.3/training/projects/\(UUID())/images HTTP/1.1\r\nHost: x\r\n"
                + "Training-Key: \(trainingKey)\r\nContent-Length: 1000000\r\n\r\n"
            let connection = try RawConnection(port: server.port)
            // A byte every 50 ms of the body (the head sent whole), or of the head itself.
            let (whole, trickle) = headArrivesWhole
                ? (Array(head.utf8), [UInt8](repeating: 0xff, count: 10_000))
                : ([], Array(head.utf8) + [UInt8](repeating: 0xff, count: 10_000))
            let outcome = await onThread { connection.trickleUntilClosed(whole, then: trickle) }
            #expect(outcome == .closedByServer)
        }
    }

    @Test func aRequestSentWholeIsNotCutShortByTheDeadline() async throws {
        var configuration = testConfiguration()
        configuration.requestTimeout = .milliseconds(500)
        try await withLiveServer(configuration) { server in
            // Waiting between requests is the idle timeout's business, not the request deadline's.
            let heads = try await Self.answers(
                to: "GET /customvision/v3.3/training/domains HTTP/1.1\r\nHost: x\r\n", port: server.port,
                pause: .seconds(1))
            #expect(heads.count == 2 && heads.allSatisfy { $0.contains(" 200 ") }, "\(heads)")
        }
    }

    @Test func anHTTP10RequestWithoutKeepAliveGetsItsConnectionClosedAfterTheResponse() async throws {
        var configuration = testConfiguration()
        configuration.idleTimeout = nil  // only the response may end the connection
        try await withLiveServer(configuration) { server in
            let request = "GET /customvision/v3.3/training/domains HTTP/1.0\r\nTraining-Key: \(trainingKey)\r\n\r\n"
            let connection = try RawConnection(port: server.port)
            let (received, outcome) = await onThread { connection.exchange(Array(request.utf8)) }
            #expect(outcome == .closedByServer)
            let response = try #require(RawResponse(complete: received))
            #expect(response.head.hasPrefix("HTTP/1.0 200 "), "\(response.head)")
            #expect(response.head.lowercased().contains("connection: close"), "\(response.head)")
            let domains = try CustomVisionJSON.decode([Domain].self, from: Data(response.body))
            #expect(!domains.isEmpty)
        }
    }

    @Test func connectionCloseInAnySpellingClosesTheConnection() async throws {
        var configuration = testConfiguration()
        configuration.idleTimeout = nil
        try await withLiveServer(configuration) { server in
            let request = "GET /customvision/v3.3/training/domains HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n"
                + "Training-Key: \(trainingKey)\r\n\r\n"
            let connection = try RawConnection(port: server.port)
            let (received, outcome) = await onThread { connection.exchange(Array(request.utf8)) }
            #expect(outcome == .closedByServer)
            #expect(RawResponse(complete: received)?.head.contains(" 200 ") == true)
        }
    }

    /// Requests sent back to back are answered in order, and the connection closes after the one that asks.
    @Test func pipelinedRequestsCloseAfterTheOneThatAsks() async throws {
        try await withLiveServer { server in
            let get = "GET /customvision/v3.3/training/domains HTTP/1.1\r\nHost: x\r\nTraining-Key: \(trainingKey)\r\n"
            let request = get + "\r\n" + get + "Connection: close\r\n\r\n" + get + "\r\n"
            let connection = try RawConnection(port: server.port)
            let (answer, outcome) = await onThread { connection.exchange(Array(request.utf8)) }
            #expect(outcome == .closedByServer)
            var received = answer, heads: [String] = []
            while let response = RawResponse(complete: received) {
                heads.append(response.head)
                received.removeFirst(received.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound + response.body.count)
            }
            #expect(heads.count == 2 && heads.allSatisfy { $0.hasPrefix("HTTP/1.1 200 ") }, "\(heads)")
            #expect(heads.last?.lowercased().contains("connection: close") == true, "\(heads)")
        }
    }

    @Test func anHTTP10RequestAskingForKeepAliveKeepsItsConnection() async throws {
        try await withLiveServer { server in
            let heads = try await Self.answers(
                to: "GET /customvision/v3.3/training/domains HTTP/1.0\r\nConnection: keep-alive\r\n", port: server.port)
            #expect(heads.count == 2, "\(heads)")
            for head in heads {
                #expect(head.contains(" 200 ") && head.lowercased().contains("connection: keep-alive"), "\(head)")
            }
        }
    }

    /// The response heads to `head` (the key added) sent twice on one connection, `pause` after each answer; fewer
    /// if the server closes the connection first.
    private static func answers(to head: String, port: Int, pause: Duration = .zero) async throws -> [String] {
        let request = Array((head + "Training-Key: \(trainingKey)\r\n\r\n").utf8)
        let connection = try RawConnection(port: port)
        defer { close(connection.socket) }
        var heads: [String] = []
        for _ in 0..<2 {
            guard let response = await onThread({ connection.roundTrip(request) }) else { break }
            heads.append(response.head)
            try await Task.sleep(for: pause)
        }
        return heads
    }
}

/// `work`'s result, run on a thread of its own: blocking socket calls on the cooperative pool would starve the
/// in-process server of the threads it answers with.
func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}

extension RawConnection {
    /// Sends `request` and reads its response, leaving the connection open; `nil` if the server closed first.
    func roundTrip(_ request: [UInt8]) -> RawResponse? {
        _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while RawResponse(complete: received) == nil {
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            received += buffer[..<n]
        }
        return RawResponse(complete: received)
    }

    /// Sends `whole` at once, then `trickle` a byte every 50 ms, until the server closes the connection or 60 s
    /// have passed (far beyond the deadlines the tests configure; the connection is then still open).
    func trickleUntilClosed(_ whole: [UInt8], then trickle: [UInt8]) -> Outcome {
        defer { close(socket) }
        var sent = whole.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == whole.count else { return .closedByServer }
        let giveUp = ContinuousClock.now + .seconds(60)
        var buffer = [UInt8](repeating: 0, count: 4096)
        for byte in trickle where ContinuousClock.now < giveUp {
            var one = byte
            sent = send(socket, &one, 1, Int32(MSG_NOSIGNAL))
            if sent < 0 { return .closedByServer }
            var waiting = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, 50) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n == 0 || (n < 0 && errno == ECONNRESET) { return .closedByServer }
        }
        return .stillOpen
    }
}
