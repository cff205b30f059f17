import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A request as ``LoopbackHTTPServer`` received it.
public struct RecordedRequest: Sendable {
    /// The method token.
    public var method: String
    /// The request target as sent (path and query, percent-encoded).
    public var target: String
    /// The header fields in order.
    public var headers: [(name: String, value: String)]
    /// The body (chunked bodies de-chunked).
    public var body: Data
    /// Which accepted connection carried it (1 = the first).
    public var connectionID: Int

    /// The path, percent-decoded.
    public var path: String {
        let raw = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        return raw.removingPercentEncoding ?? raw
    }

    /// The query items in order, names and values percent-decoded.
    public var queryItems: [(name: String, value: String)] {
        let parts = target.split(separator: "?", maxSplits: 1)
        guard parts.count == 2 else { return [] }
        return parts[1].split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            return (pair[0], pair.count > 1 ? pair[1] : "")
        }
    }

    /// The first value of a query item.
    public func query(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }

    /// The first value of a header field (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The parts of a `multipart/form-data` body, or `nil` when the body is not one.
    public var multipartParts: [MultipartFormPart]? {
        guard let type = header("Content-Type"), type.lowercased().hasPrefix("multipart/form-data"),
            let range = type.range(of: "boundary=")
        else { return nil }
        var boundary = String(type[range.upperBound...])
        if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
        return MultipartFormPart.parse(
            body, boundary: boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
    }
}

/// One part of a multipart body as received.
public struct MultipartFormPart: Sendable {
    /// The `name` of its Content-Disposition.
    public var name: String?
    /// The `filename` of its Content-Disposition.
    public var filename: String?
    /// Its Content-Type.
    public var contentType: String?
    /// Its bytes.
    public var data: Data

    static func parse(_ body: Data, boundary: String) -> [MultipartFormPart]? {
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [MultipartFormPart] = []
        guard var cursor = body.range(of: delimiter)?.upperBound else { return nil }
        while true {
            guard body.count >= cursor + 2 else { return nil }
            if body[cursor..<(cursor + 2)] == Data("--".utf8) { return parts }
            guard let headEnd = body.range(of: Data("\r\n\r\n".utf8), in: cursor..<body.count),
                let next = body.range(of: Data("\r\n--\(boundary)".utf8), in: headEnd.upperBound..<body.count)
            else { return nil }
            let head = String(decoding: body[cursor..<headEnd.lowerBound], as: UTF8.self)
            var part = MultipartFormPart(data: Data(body[headEnd.upperBound..<next.lowerBound]))
            for line in head.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-type:") {
                    part.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                } else if lower.hasPrefix("content-disposition:") {
                    part.name = Self.parameter("name", in: line)
                    part.filename = Self.parameter("filename", in: line)
                }
            }
            parts.append(part)
            cursor = next.upperBound
        }
    }

    private static func parameter(_ name: String, in line: String) -> String? {
        for piece in line.split(separator: ";") {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("\(name)=") {
                return String(trimmed.dropFirst(name.count + 1)).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

/// Buffered reading of HTTP/1.1 requests from a socket.
struct SocketReader {
    let socket: Int32
    private var buffer = Data()

    init(socket: Int32) { self.socket = socket }

    /// Reads more bytes; false at end of stream.
    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &chunk, chunk.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
    }

    private mutating func readLine() -> String? {
        while true {
            if let end = buffer.range(of: Data("\r\n".utf8)) {
                let line = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex..<end.upperBound)
                return line
            }
            guard fill() else { return nil }
        }
    }

    private mutating func readBytes(_ count: Int) -> Data? {
        while buffer.count < count { guard fill() else { return nil } }
        let bytes = Data(buffer.prefix(count))
        buffer.removeFirst(count)
        return bytes
    }

    mutating func readRequest(connectionID: Int) -> RecordedRequest? {
        // Not HTTP (a TLS ClientHello starts with 0x16): close, as a plain server would fail the handshake.
        if buffer.isEmpty, !fill() { return nil }
        guard let first = buffer.first, (65...90).contains(first) else { return nil }
        guard let requestLine = readLine(), !requestLine.isEmpty else { return nil }
        let words = requestLine.split(separator: " ")
        guard words.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        while let line = readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            )
        }
        var request = RecordedRequest(
            method: String(words[0]), target: String(words[1]), headers: headers, body: Data(),
            connectionID: connectionID)
        if request.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while let sizeLine = readLine(), let size = Int(sizeLine.split(separator: ";")[0], radix: 16) {
                if size == 0 {
                    _ = readLine()
                    break
                }
                guard let chunk = readBytes(size) else { return nil }
                request.body.append(chunk)
                _ = readLine()
            }
        } else if let length = request.header("Content-Length").flatMap({ Int($0) }), length > 0 {
            guard let body = readBytes(length) else { return nil }
            request.body = body
        }
        return request
    }

    /// Blocks until the peer closes (or the server shuts the socket down).
    mutating func waitForClose() {
        while fill() { buffer.removeAll() }
    }
}
