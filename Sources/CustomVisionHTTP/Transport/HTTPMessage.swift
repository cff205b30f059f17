import Foundation

/// An HTTP method, as an open set (like `HTTPRequest.Method` in swift-http-types).
public struct TransportMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method token, upper case.
    public var rawValue: String
    /// Wraps a method token.
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// `GET`
    public static let get = Self(rawValue: "GET")
    /// `POST`
    public static let post = Self(rawValue: "POST")
    /// `PUT`
    public static let put = Self(rawValue: "PUT")
    /// `PATCH`
    public static let patch = Self(rawValue: "PATCH")
    /// `DELETE`
    public static let delete = Self(rawValue: "DELETE")
    /// `HEAD`
    public static let head = Self(rawValue: "HEAD")
}

/// An ordered list of header fields; lookups ignore case.
public struct TransportHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The fields in the order they were added.
    public private(set) var fields: [(name: String, value: String)] = []

    /// An empty list.
    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    /// Appends a field.
    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Replaces every field named `name` by one with `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The first value of the field named `name` (case-insensitive), if any.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> { fields.makeIterator() }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }
}

/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable, Hashable {
    /// The form field name (`imageData` for every upload of the Custom Vision API).
    public var name: String
    /// The file name sent in `Content-Disposition`, if any.
    public var filename: String?
    /// The part's `Content-Type`, if any.
    public var contentType: String?
    /// The part's bytes.
    public var data: Data

    /// Creates a part.
    public init(name: String, filename: String? = nil, contentType: String? = nil, data: Data) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// The body of a request.
public enum TransportBody: Sendable, Hashable {
    /// Raw bytes with their content type (JSON, `application/octet-stream`).
    case bytes(Data, contentType: String)
    /// Bytes made a piece at a time as the transport sends them, with their content type.
    case generated(GeneratedBody, contentType: String)
    /// A `multipart/form-data` body; the transport chooses the boundary.
    case multipart([MultipartPart])

    /// The body's size in bytes before multipart framing.
    public var payloadSize: Int {
        switch self {
        case .bytes(let data, _): data.count
        case .generated(let body, _): body.count
        case .multipart(let parts): parts.reduce(0) { $0 + $1.data.count }
        }
    }

    /// A `.bytes` or `.generated` body as one reader, which the transport reads from an offset (and again from the
    /// start for a resend); nil for multipart, which the transport frames itself.
    var readable: GeneratedBody? {
        switch self {
        case .bytes(let data, _):
            GeneratedBody(count: data.count) { offset, buffer in
                data.withUnsafeBytes { source in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + buffer.count]))
                }
                return buffer.count
            }
        case .generated(let body, _): body
        case .multipart: nil
        }
    }
}

/// A request body made a piece at a time as the transport sends it, from parts held elsewhere (an image batch's
/// files): the body itself is never held whole, and it is made again from the start when a request is resent.
public struct GeneratedBody: Sendable, Hashable {
    /// The body's length in bytes.
    public let count: Int
    /// Identity: two bodies are equal when they are the same body.
    private let id = UUID()
    private let reader: @Sendable (Int, UnsafeMutableRawBufferPointer) -> Int

    /// A body of `count` bytes that `read` copies out from an offset.
    /// - Parameter read: copies the bytes from `offset` into `buffer` (as many as fit, up to the end) and returns
    ///   how many it copied.
    public init(count: Int, read: @escaping @Sendable (_ offset: Int, _ buffer: UnsafeMutableRawBufferPointer) -> Int) {
        self.count = count
        self.reader = read
    }

    /// Copies the bytes from `offset` into `buffer`; returns how many (fewer than `buffer.count` only at the end).
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard offset < count, buffer.count > 0 else { return 0 }
        let wanted = min(buffer.count, count - offset)
        return reader(offset, UnsafeMutableRawBufferPointer(rebasing: buffer[..<wanted]))
    }

    /// The whole body in one buffer.
    public func materialized() -> Data {
        var data = Data(count: count)
        data.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < count {
                let n = read(at: done, into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
                guard n > 0 else { break }
                done += n
            }
        }
        return data
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// A request as handed to an ``HTTPTransport``.
public struct TransportRequest: Sendable {
    /// The method.
    public var method: TransportMethod
    /// The absolute URL, query included.
    public var url: URL
    /// The header fields (the key header included; transports must never log it).
    public var headers: TransportHeaders
    /// The body, if any.
    public var body: TransportBody?
    /// When set, a successful (2xx) response body is streamed into this file instead of memory.
    public var downloadDestination: URL?
    /// The overall time limit of this attempt; `nil` uses the transport's default.
    public var timeout: Duration?

    /// Creates a request.
    public init(
        method: TransportMethod, url: URL, headers: TransportHeaders = TransportHeaders(), body: TransportBody? = nil,
        downloadDestination: URL? = nil, timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.downloadDestination = downloadDestination
        self.timeout = timeout
    }
}

/// Printing, dumping or mirroring headers shows the values of secret fields (the key headers, `Authorization`) as
/// `***`.
extension TransportHeaders: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "[" + redactedFields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "]"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, unlabeledChildren: redactedFields.map { "\($0.name): \($0.value)" }, displayStyle: .collection)
    }

    private var redactedFields: [(name: String, value: String)] {
        fields.map { ($0.name, SecretMasking.secretHeaders.contains($0.name.lowercased()) ? "***" : $0.value) }
    }
}

/// Printing, dumping or mirroring a request masks its secrets: key headers, and any password or signature in its
/// URL (see ``TransportHeaders``).
extension TransportRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "\(method) \(SecretMasking.mask(url.absoluteString)) \(headers)"
            + (body.map { " (\($0.payloadSize) bytes)" } ?? "")
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: [
            "method": method, "url": SecretMasking.mask(url.absoluteString), "headers": headers,
            "bodyBytes": body?.payloadSize as Any, "downloadDestination": downloadDestination as Any,
            "timeout": timeout as Any,
        ], displayStyle: .struct)
    }
}

/// A response from an ``HTTPTransport``.
public struct TransportResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields of the final response.
    public var headers: TransportHeaders
    /// The body, unless it was streamed into ``TransportRequest/downloadDestination``.
    public var body: Data
    /// The file the body was streamed into, when the request asked for it and the status was 2xx.
    public var bodyFile: URL?

    /// Creates a response.
    public init(
        status: Int, headers: TransportHeaders = TransportHeaders(), body: Data = Data(), bodyFile: URL? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyFile = bodyFile
    }
}

/// Sends HTTP requests. ``CurlTransport`` is the real one; tests of retry logic use a scripted one.
///
/// A transport performs exactly one attempt: retries, authentication and decoding are the clients' job.
/// It throws ``CurlError`` (or its own error type) when no response arrived, and `CancellationError`
/// when the calling task was cancelled.
public protocol HTTPTransport: Sendable {
    /// Performs one request.
    /// - Parameter request: the request; its URL is absolute.
    /// - Returns: the response, whatever its status.
    /// - Throws: when no complete response arrived (connection failure, timeout, cancellation).
    func send(_ request: TransportRequest) async throws -> TransportResponse
}
