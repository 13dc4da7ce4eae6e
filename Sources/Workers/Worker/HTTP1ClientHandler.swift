// SPDX-License-Identifier: Apache-2.0
import NIOCore
import NIOHTTP1

/// One request on one connection: what goes out, and where the answer goes.
struct HTTP1Exchange: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer?
    let timeout: TimeAmount
    let promise: EventLoopPromise<HTTP1Response>
}

/// A whole response: status, body, and whether the connection may carry another request.
struct HTTP1Response: Sendable {
    let status: Int
    let body: ByteBuffer
    let keepAlive: Bool
}

/// Why an exchange failed. `closedBeforeResponse`: the connection ended before any byte of the answer came, which on
/// a reused keep-alive connection usually means the server had closed it while idle.
struct HTTP1ClientError: Error, Sendable, CustomStringConvertible {
    enum Kind: Sendable { case closedBeforeResponse, closedMidResponse, timeout, bodyTooLarge, busy }
    let kind: Kind
    var description: String {
        switch kind {
        case .closedBeforeResponse: "the connection closed before the response"
        case .closedMidResponse: "the connection closed in the middle of the response"
        case .timeout: "no complete response within the timeout"
        case .bodyTooLarge: "the response body is larger than \(HTTP1ClientHandler.maxBody) bytes"
        case .busy: "a request is already in flight on this connection"
        }
    }
}

/// Runs one exchange at a time on its connection: writes the request, gathers the response parts, answers the
/// exchange's promise, and closes the connection on a timeout, an error or `Connection: close`.
final class HTTP1ClientHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTP1Exchange
    typealias OutboundOut = HTTPClientRequestPart

    static let maxBody = 64 << 20

    private var current: EventLoopPromise<HTTP1Response>?
    private var timeout: Scheduled<Void>?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard current == nil else {
            exchange.promise.fail(HTTP1ClientError(kind: .busy))
            return
        }
        current = exchange.promise
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(in: exchange.timeout) {
            let (handler, context) = loopBound.value
            handler.finish(.failure(HTTP1ClientError(kind: .timeout)), context: context)
        }
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var part):
            if body == nil {
                body = part
            } else if body!.readableBytes + part.readableBytes > Self.maxBody {
                finish(.failure(HTTP1ClientError(kind: .bodyTooLarge)), context: context)
            } else {
                body!.writeBuffer(&part)
            }
        case .end:
            guard let head else { return }
            let response = HTTP1Response(
                status: Int(head.status.code), body: body ?? ByteBuffer(), keepAlive: head.isKeepAlive)
            finish(.success(response), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let kind: HTTP1ClientError.Kind = head == nil ? .closedBeforeResponse : .closedMidResponse
        finish(.failure(HTTP1ClientError(kind: kind)), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error), context: context)
    }

    /// Answers the exchange in flight (if any) and gets ready for the next; a failure closes the connection,
    /// whose state is then unknown.
    private func finish(_ result: Result<HTTP1Response, any Error>, context: ChannelHandlerContext) {
        timeout?.cancel()
        timeout = nil
        head = nil
        body = nil
        let promise = current
        current = nil
        switch result {
        case .success(let response):
            if !response.keepAlive { context.close(promise: nil) }
            promise?.succeed(response)
        case .failure(let error):
            context.close(promise: nil)
            promise?.fail(error)
        }
    }
}
