import NIOCore
import NIOHTTP1

/// Closes a connection whose request has not arrived in full (head and body) within ``limit`` of its first bytes.
///
/// The idle timeout alone restarts with every part read, so a client sending a byte now and then holds its
/// connection, and what the server buffered for it, for good. The clock starts when bytes arrive while the server
/// waits for a request, and stops once the request's end is read; a request read ahead (pipelined) while an
/// earlier one is being answered starts its clock when that answer is written, so a slow answer is never charged to
/// the client.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// How long a request may take to arrive.
    let limit: TimeAmount
    private var heads = 0
    private var ends = 0
    private var responses = 0
    private var deadline: Scheduled<Void>?

    init(limit: TimeAmount) { self.limit = limit }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: heads += 1
        case .end: ends += 1
        case .body: break
        }
        update(context, bytesArrived: true)
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Bytes arrived, decoded into a part or not (a request head trickling in yields none until it is whole).
        update(context, bytesArrived: true)
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            responses += 1
            update(context, bytesArrived: false)
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stop() }

    /// Runs the clock while the client owes the server a request: one partly read that no earlier request's answer
    /// holds up, or a new one whose first bytes arrived while everything before it was read and answered.
    private func update(_ context: ChannelHandlerContext, bytesArrived: Bool) {
        let receiving = heads > ends && heads - responses <= 1
        let starting = heads == ends && ends == responses && (bytesArrived || deadline != nil)
        guard receiving || starting else { return stop() }
        guard deadline == nil else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: limit) {
            context.close(promise: nil)
        }
    }

    private func stop() {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}
