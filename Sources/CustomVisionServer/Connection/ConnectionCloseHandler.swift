import NIOCore
import NIOHTTP1

/// Closes a connection after the response to a request that does not keep it alive: HTTP/1.0 without
/// `Connection: keep-alive`, or `Connection: close` in any spelling.
///
/// Hummingbird reads the next request unless the request's `Connection` field is exactly `close`, and answers in
/// HTTP/1.1 whatever the request's version, so an HTTP/1.0 client (which reads its response to the end of the
/// connection) waited for the idle timeout. This handler sits where the version is still known: it spells the
/// request's `Connection: close` as Hummingbird expects, answers HTTP/1.0 requests in HTTP/1.0 (no chunked bodies),
/// says in the response whether the connection stays open, and closes it once the response is written and the
/// request read to its end (closing with unread request bytes would reset the connection, and could lose the
/// response on its way).
///
/// An error answered before its request's body has arrived (a wrong key, a body over the size limit) also closes
/// the connection: the answer says `Connection: close`, and the rest of the body is read and dropped, as a client
/// that sends it all before reading (Python's `requests`) needs to see the answer, but at most `lingerBytes` of it.
/// Before, the server read all that such a client sent, whatever its `Content-Length`.
final class ConnectionCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A request being answered, oldest first (heads can be read ahead of the answers).
    private struct Exchange {
        var version: HTTPVersion
        var keepAlive: Bool
        var requestEnded = false
        var close = false
    }

    private var exchanges: [Exchange] = []
    /// The written answer to close after once its request's end is read.
    private var closeAtRequestEnd: EventLoopFuture<Void>?
    /// Request body bytes read and dropped after the answer, before closing anyway.
    private let lingerBytes: Int
    /// Body bytes read since the answer was written.
    private var lingered = 0
    /// Past `lingerBytes`: the connection is closing, and nothing more is read.
    private var dropping = false

    /// - Parameter lingerBytes: how much of a body to read after answering it early, before closing regardless.
    init(lingerBytes: Int = .max) { self.lingerBytes = lingerBytes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !dropping else { return }
        switch unwrapInboundIn(data) {
        case .head(var head):
            let exchange = Exchange(version: head.version, keepAlive: head.isKeepAlive)
            exchanges.append(exchange)
            guard !exchange.keepAlive else { break }
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        case .end:
            if let last = exchanges.indices.last { exchanges[last].requestEnded = true }
            if let written = closeAtRequestEnd {
                context.fireChannelRead(data)
                written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                return
            }
        case .body(let bytes):
            if let written = closeAtRequestEnd {
                lingered += bytes.readableBytes
                if lingered > lingerBytes {
                    // Closed once the answer is written (at once, unless the socket has not taken it all yet);
                    // whatever arrives meanwhile is dropped.
                    dropping = true
                    written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                    return
                }
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !exchanges.isEmpty else { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200:
            let exchange = exchanges[0]
            let http10 = exchange.version.major == 1 && exchange.version.minor == 0
            if http10 { head.version = exchange.version }
            // An HTTP/1.0 answer without a length ends where the connection does.
            let delimited = head.headers.contains(name: "content-length") || [204, 304].contains(head.status.code)
            let early = head.status.code >= 400 && !exchange.requestEnded
            if !exchange.keepAlive || (http10 && !delimited) || early {
                exchanges[0].close = true
                head.headers.replaceOrAdd(name: "connection", value: "close")
            } else if http10 {
                head.headers.replaceOrAdd(name: "connection", value: "keep-alive")
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            let exchange = exchanges.removeFirst()
            guard exchange.close else { return context.write(data, promise: promise) }
            // Closed once written in full: closing earlier would drop what the socket has not taken yet.
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            context.writeAndFlush(data, promise: written)
            if exchange.requestEnded {
                written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            } else {
                closeAtRequestEnd = written.futureResult
            }
        default:
            context.write(data, promise: promise)
        }
    }
}

@available(*, unavailable)
extension ConnectionCloseHandler: Sendable {}
