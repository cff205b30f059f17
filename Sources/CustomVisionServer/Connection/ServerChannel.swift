import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// cvserver's HTTP/1.1 connections: Hummingbird's ``HTTP1Channel`` (idle timeout included) with two handlers
/// between the HTTP/1 decoder and the conversion to HTTP types, where the request's HTTP version is still known:
/// ``ConnectionCloseHandler`` (a request that does not keep the connection alive gets it closed after its
/// response), ``ParseErrorBodyHandler`` (the 400 for bytes that are not HTTP/1.1 gets the service's error body) and
/// ``RequestDeadlineHandler`` (a request must arrive in full within a time limit).
struct ServerChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    /// How long a request may take to arrive, head and body; `nil` for no limit.
    let requestTimeout: TimeAmount?
    /// How much of a body answered early (401, 413) is read before the connection is closed anyway.
    let lingerBytes: Int

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let requestTimeout = requestTimeout, lingerBytes = lingerBytes
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            var handlers: [any ChannelHandler] = [
                ConnectionCloseHandler(lingerBytes: lingerBytes), ParseErrorBodyHandler(),
            ]
            if let requestTimeout { handlers.append(RequestDeadlineHandler(limit: requestTimeout)) }
            try pipeline.addHandlers(handlers, position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 on ``ServerChannel``.
    static func cvserver(idleTimeout: TimeAmount?, requestTimeout: TimeAmount?, lingerBytes: Int) -> HTTPServerBuilder {
        .init { responder in
            ServerChannel(
                base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)),
                requestTimeout: requestTimeout, lingerBytes: lingerBytes)
        }
    }
}
