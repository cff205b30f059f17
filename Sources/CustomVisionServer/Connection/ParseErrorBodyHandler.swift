import CustomVisionCore
import Foundation
import NIOCore
import NIOHTTP1

/// Gives the answer to a request that is not valid HTTP/1.1 the service's error body.
///
/// When NIO's decoder refuses the bytes (a Content-Length that is not a number, a header past NIO's 80 KB, a
/// malformed chunk size), Hummingbird answers `400` with `Content-Length: 0` and closes the connection, after any
/// answers still owed to earlier requests. This handler sits after the decoder, notes the decoder's error on its way
/// to Hummingbird, and fills that empty 400 with `{"code":"BadRequest","message":…}` saying what was wrong, as every
/// other error of cvserver's is answered. The application's own 400s always carry a body, so the empty one is
/// Hummingbird's.
final class ParseErrorBodyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var parseError: HTTPParserError?
    /// The body to write before the 400's end.
    private var pendingBody: ByteBuffer?

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError { parseError = error }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let parseError else { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status == .badRequest && head.headers["content-length"] == ["0"]:
            let body = Self.body(for: parseError)
            head.headers.replaceOrAdd(name: "content-length", value: String(body.count))
            head.headers.replaceOrAdd(name: "content-type", value: "application/json; charset=utf-8")
            pendingBody = context.channel.allocator.buffer(bytes: body)
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where pendingBody != nil:
            context.write(wrapOutboundOut(.body(.byteBuffer(pendingBody!))), promise: nil)
            pendingBody = nil
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    /// `{"code":"BadRequest","message":…}` for `error`.
    static func body(for error: HTTPParserError) -> [UInt8] {
        let body = CustomVisionError(code: .badRequest, message: message(for: error))
        return (try? Array(JSONBody.encoder.encode(body))) ?? Array(#"{"code":"BadRequest","message":""}"#.utf8)
    }

    /// What was wrong with the request, in words.
    static func message(for error: HTTPParserError) -> String {
        let what: String = switch error {
        case .headerOverflow: "its header is over 80 KB"
        case .invalidContentLength, .unexpectedContentLength: "its Content-Length is not valid"
        case .invalidChunkSize: "a chunk size of its body is not valid"
        case .invalidMethod: "its method is not valid"
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment: "its target is not a valid URL"
        case .invalidVersion: "its HTTP version is not valid"
        case .invalidHeaderToken, .invalidCharactersUsed: "a header field is not valid"
        case .invalidEOFState: "it ended part way"
        default: "the HTTP parser refused it (\(error))"
        }
        return "The request is not valid HTTP/1.1: \(what)."
    }
}

@available(*, unavailable)
extension ParseErrorBodyHandler: Sendable {}
