import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Request {
    /// The body, read only up to `limit` bytes: a declared or actual larger body is refused with 413.
    mutating func bytes(limit: Int) async throws -> [UInt8] {
        Array(try await buffer(limit: limit).readableBytesView)
    }

    /// `bytes(limit:)` as the collected buffer.
    private mutating func buffer(limit: Int) async throws -> ByteBuffer {
        let declared = headers[.contentLength].flatMap(Int.init)
        if let declared, declared > limit { throw APIError.tooLarge(limit) }
        // Allocated at the declared size (within the limit): an image batch of megabytes is then read without the
        // buffer growing, and being copied, as its pieces arrive.
        var buffer = ByteBufferAllocator().buffer(capacity: max(0, declared ?? 0))
        do {
            try await body.collect(upTo: limit, into: &buffer)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit)
        }
        body = .init(buffer: buffer)
        return buffer
    }

    /// The body decoded as JSON of type `T` (at most `limit` bytes), read in place (an image batch is megabytes).
    mutating func json<T: Decodable>(_ type: T.Type, limit: Int = 1 << 20) async throws -> T {
        let body = try await buffer(limit: limit)
        do {
            return try body.withUnsafeReadableBytes { try CustomVisionJSON.decode(T.self, from: $0) }
        } catch {
            throw APIError.badRequest("The request body is not valid JSON for \(T.self).")
        }
    }

    /// The media type of the body, lowercased, without parameters.
    var mediaType: String {
        (headers[.contentType] ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
    }

    /// The images of a multipart `imageData` body (every file part and `imageData` field, at most a batch's worth)
    /// or of a raw body (one unnamed part).
    mutating func imageParts(limit: Int) async throws -> [Multipart.Part] {
        let body = try await bytes(limit: limit)
        if mediaType.hasPrefix("multipart/") {
            guard let boundary = Multipart.boundary(headers[.contentType] ?? "") else {
                throw APIError.badRequest("The multipart body has no boundary.", code: .badRequestImageStream)
            }
            // Files, and fields named `imageData` (the spec's form field): a plain form field of another name (a
            // comment, a flag) is not an image of the batch.
            return try Multipart.parse(body, boundary: boundary, maxParts: ServiceLimits.imagesPerBatch) { part in
                part.filename != nil || part.name == nil
                    || part.name?.caseInsensitiveCompare("imageData") == .orderedSame
            }
        }
        return body.isEmpty ? [] : [Multipart.Part(name: nil, body: body)]
    }

    /// The server's base URL as the client addressed it.
    var baseURL: String { "http://\(head.authority ?? headers[.init("Host")!] ?? "127.0.0.1")" }
}
