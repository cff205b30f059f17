import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird

/// An error answered as the service does: `{"code": …, "message": …}` with a fitting HTTP status.
struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    var status: HTTPResponse.Status
    var code: CustomVisionErrorCode
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: CustomVisionErrorCode, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    var description: String { "\(status.code) \(code.rawValue): \(message)" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }

    func makeResponse() -> Response {
        let body = CustomVisionError(code: code, message: message)
        var response = JSONBody.response(body, status: status)
        for field in headers { response.headers.append(field) }
        return response
    }

    static func badRequest(_ message: String, code: CustomVisionErrorCode = .badRequest) -> APIError {
        APIError(.badRequest, code, message)
    }
    static func notFound(_ code: CustomVisionErrorCode, _ message: String) -> APIError {
        APIError(.notFound, code, message)
    }
    static func projectNotFound(_ id: UUID) -> APIError { .notFound(.notFoundProject, "Project \(id.lowercasedText) not found.") }
    static func iterationNotFound(_ id: UUID) -> APIError {
        .notFound(.notFoundIteration, "Iteration \(id.lowercasedText) not found.")
    }
    static func tagNotFound(_ id: UUID) -> APIError { .notFound(.notFoundTag, "Tag \(id.lowercasedText) not found.") }
    static func imageNotFound(_ id: UUID) -> APIError {
        .notFound(.notFoundImage, "Image \(id.lowercasedText) not found.")
    }
    static let unauthorized = APIError(
        .unauthorized, CustomVisionErrorCode("Unauthorized"),
        "Access denied due to invalid subscription key or wrong API endpoint.")
    /// An image over the operation's documented size (4 MB to predict, 6 MB to quick-test): the service's 400
    /// `BadRequestImageSizeBytes`, whatever the size.
    static func imageTooLarge(_ limit: Int) -> APIError {
        .badRequest("The image exceeds \(limit) bytes.", code: .badRequestImageSizeBytes)
    }
    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, .badRequestImageSizeBytes, "The request body exceeds \(limit) bytes.")
    }
}

/// JSON responses in the service's wire format.
enum JSONBody {
    static let encoder = CustomVisionJSON.makeEncoder()

    /// Encodes `value` as a JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        // The service sends UUIDs in lower case. The hot response types write their own JSON (the same document,
        // without JSONEncoder's boxing) with lower-case UUIDs; Foundation's encoder writes them in upper case, so
        // its output is lowercased after.
        let data: [UInt8]?
        if let writable = value as? any JSONWritable {
            data = writable.jsonBytes(lowercaseUUIDs: true)
        } else {
            data = (try? encoder.encode(value)).map { JSONUUIDCase.lowercased(Array($0)) }
        }
        // A value JSON cannot carry (a NaN from a model, say) is a server error, never a 200 with `{}`.
        guard let data else { return unencodable.makeResponse() }
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let unencodable = APIError(
        .internalServerError, .errorUnknown, "The response holds a number JSON cannot carry.")

    /// An empty response (204, 202).
    static func empty(_ status: HTTPResponse.Status = .noContent) -> Response { Response(status: status) }
}

extension HTTPResponse.Status {
    /// 207 Multi-Status: a batch where some items failed.
    static var multiStatus: HTTPResponse.Status { .init(code: 207, reasonPhrase: "Multi-Status") }
}
