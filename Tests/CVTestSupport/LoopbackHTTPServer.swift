import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 over POSIX sockets, for tests that need real connections.
///
/// It records every request and answers with whatever the handler returns — including misbehaviour:
/// hanging, closing the connection mid-response, sending large bodies. Keep-alive is supported, and each
/// request records which connection carried it, so connection reuse is observable. Call ``stop()`` (or let the
/// server deinit) to close every socket and end its threads.
public final class LoopbackHTTPServer: @unchecked Sendable {
    /// What the server does with a request.
    public enum Reply: Sendable {
        /// A complete response with `Content-Length`.
        case response(status: Int, headers: [(String, String)] = [], body: Data = Data())
        /// Never answer; keep the connection open until the client closes it or the server stops.
        case hang
        /// Send the status line, headers declaring `declaredLength` bytes, then `sent`, then close.
        case closeMidResponse(status: Int, declaredLength: Int, sent: Data)
        /// Close the connection without a byte of response.
        case closeWithoutResponse
        /// A 200 declaring `length` bytes, sent one at a time `every` apart: never idle, never done soon.
        case drip(length: Int, every: Duration)
        /// Wait, then reply.
        indirect case delayed(Duration, Reply)

        /// A JSON response.
        public static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> Reply {
            .response(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(text.utf8))
        }
    }

    /// The handler deciding each reply.
    public typealias Handler = @Sendable (RecordedRequest) -> Reply

    /// The port bound on 127.0.0.1.
    public let port: Int
    private let listener: Int32
    private let handler: Handler
    private let state = NSLock()
    private var recorded: [RecordedRequest] = []
    private var openSockets: Set<Int32> = []
    private var connections = 0
    private var stopped = false

    /// Binds 127.0.0.1 on a free port and starts accepting.
    public init(handler: @escaping Handler) throws {
        self.handler = handler
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] { state.withLock { recorded } }

    /// Connections accepted so far.
    public var connectionCount: Int { state.withLock { connections } }

    /// Closes the listening socket and every connection.
    public func stop() {
        let sockets: Set<Int32>? = state.withLock {
            guard !stopped else { return nil }
            stopped = true
            return openSockets
        }
        guard let sockets else { return }
        // Only shut sockets down here: the threads using them close them, so a descriptor number cannot be reused
        // by another server while an old thread still waits on it.
        shutdown(listener, Int32(SHUT_RDWR))
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let id: Int? = state.withLock {
                guard !stopped else { return nil }
                connections += 1
                openSockets.insert(client)
                return connections
            }
            guard let id else {
                close(client)
                return
            }
            let thread = Thread { [self] in serve(client, connectionID: id) }
            thread.start()
        }
    }

    private func serve(_ socket: Int32, connectionID: Int) {
        defer {
            state.withLock { _ = openSockets.remove(socket) }
            close(socket)
        }
        var reader = SocketReader(socket: socket)
        while let request = reader.readRequest(connectionID: connectionID) {
            state.withLock { recorded.append(request) }
            guard perform(handler(request), on: socket, reader: &reader) else { return }
            if request.header("Connection")?.lowercased() == "close" { return }
        }
    }

    /// Sends a reply; false when the connection must close.
    private func perform(_ reply: Reply, on socket: Int32, reader: inout SocketReader) -> Bool {
        switch reply {
        case .response(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Length: \(body.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            return sendAll(socket, Data((head + "\r\n").utf8) + body)  // one write: no Nagle/delayed-ACK stall
        case .hang:
            reader.waitForClose()
            return false
        case .closeMidResponse(let status, let declaredLength, let sent):
            let head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Length: \(declaredLength)\r\n\r\n"
            _ = sendAll(socket, Data(head.utf8)) && sendAll(socket, sent)
            return false
        case .closeWithoutResponse:
            return false
        case .delayed(let duration, let reply):
            Self.sleep(duration)
            return perform(reply, on: socket, reader: &reader)
        case .drip(let length, let every):
            let head = "HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\n"
            guard sendAll(socket, Data(head.utf8)) else { return false }
            for _ in 0..<length {
                Self.sleep(every)
                guard sendAll(socket, Data("x".utf8)) else { return false }
            }
            return true
        }
    }

    private static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }

    private func sendAll(_ socket: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Glibc)
                    let sent = send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                #else
                    let sent = send(socket, buffer.baseAddress! + offset, buffer.count - offset, 0)
                #endif
                if sent < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += sent
            }
            return true
        }
    }

    private static func reason(_ status: Int) -> String {
        [
            200: "OK", 202: "Accepted", 204: "No Content", 207: "Multi-Status", 400: "Bad Request", 401: "Unauthorized",
            404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable",
        ][status] ?? "Status"
    }
}
