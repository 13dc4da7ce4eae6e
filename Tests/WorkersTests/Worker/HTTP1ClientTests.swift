// SPDX-License-Identifier: Apache-2.0
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import Workers

/// The worker's HTTP/1.1 client against a real NIO HTTP server on loopback whose paths misbehave on purpose.
@Suite struct HTTP1ClientTests {
    /// `/echo` answers the request body; `/close` answers with `Connection: close`; `/silent` never answers;
    /// `/drop` closes the connection without an answer; `/big` answers 300 kB in chunks; `/status/N` answers N;
    /// under `/camunda/`, as a Camunda engine, `POST external-task/complete` is 405 and every other path 204.
    final class TestServer: Sendable {
        let channel: any Channel
        final class Counter: Sendable {
            let value = Atomic(0)
            let paths = Mutex<[String]>([])
        }
        private let counter = Counter()
        var accepted: Int { counter.value.load(ordering: .relaxed) }
        /// The request paths, in the order they were answered.
        var paths: [String] { counter.paths.withLock { $0 } }
        var port: Int { channel.localAddress!.port! }

        init(group: any EventLoopGroup) async throws {
            let counter = self.counter
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    counter.value.add(1, ordering: .relaxed)
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(Responder(counter))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
        }

        func close() async throws { try await channel.close() }
    }

    final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        private var uri = ""
        private var body = ByteBuffer()
        private let counter: TestServer.Counter

        init(_ counter: TestServer.Counter) { self.counter = counter }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): uri = head.uri; body.clear()
            case .body(var part): body.writeBuffer(&part)
            case .end: respond(context)
            }
        }

        private func respond(_ context: ChannelHandlerContext) {
            var headers = HTTPHeaders()
            var status = HTTPResponseStatus.ok
            var reply = body
            counter.paths.withLock { $0.append(uri) }
            switch uri {
            case "/silent": return
            case "/drop": context.close(promise: nil); return
            case "/close": headers.add(name: "Connection", value: "close"); reply = ByteBuffer(string: "bye")
            case "/big": reply = ByteBuffer(repeating: 0x61, count: 300_000)
            case let path where path.hasPrefix("/status/"): status = .init(statusCode: Int(path.dropFirst(8)) ?? 500)
            case "/camunda/external-task/complete": status = .methodNotAllowed; reply.clear()
            case let path where path.hasPrefix("/camunda/"): status = .noContent; reply.clear()
            default: break
            }
            if uri == "/big" { headers.add(name: "Transfer-Encoding", value: "chunked") } else {
                headers.add(name: "Content-Length", value: String(reply.readableBytes))
            }
            context.write(wrapOutboundOut(.head(.init(version: .http1_1, status: status, headers: headers))), promise: nil)
            if uri == "/big" {
                while reply.readableBytes > 0 {
                    let chunk = reply.readSlice(length: min(65_536, reply.readableBytes))!
                    context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
                }
            } else {
                context.write(wrapOutboundOut(.body(.byteBuffer(reply))), promise: nil)
            }
            let closing = headers["Connection"].first == "close"
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if closing { loopBound.value.close(promise: nil) }
            }
        }
    }

    static let group = MultiThreadedEventLoopGroup.singleton

    private func post(_ client: HTTP1Client, _ path: String, _ body: String = "", timeout: TimeAmount = .seconds(5))
        async throws -> HTTP1Response
    {
        try await client.execute(HTTPRequestHead(version: .http1_1, method: .POST, uri: path),
                                 body: ByteBuffer(string: body), timeout: timeout)
    }

    /// Runs `body` with a fresh server and a client of `maxConnections`, then shuts both down (also on failure).
    func withServer(maxConnections: Int, _ body: (TestServer, HTTP1Client) async throws -> Void) async throws {
        let server = try await TestServer(group: Self.group)
        let client = HTTP1Client(host: "127.0.0.1", port: server.port, group: Self.group, maxConnections: maxConnections)
        do { try await body(server, client) } catch {
            client.shutdown()
            try await server.close()
            throw error
        }
        client.shutdown()
        try await server.close()
    }

    @Test func requestsShareOneKeptAliveConnection() async throws {
        try await withServer(maxConnections: 4) { server, client async throws in
            for n in 0..<20 {
                let response = try await post(client, "/echo", "call \(n)")
                #expect(response.status == 200)
                #expect(String(buffer: response.body) == "call \(n)")
            }
            #expect(server.accepted == 1)
        }
    }

    @Test func concurrentRequestsOpenAtMostTheLimitOfConnections() async throws {
        try await withServer(maxConnections: 3) { server, client async throws in
            try await withThrowingTaskGroup(of: String.self) { group in
                for n in 0..<60 { group.addTask { String(buffer: try await self.post(client, "/echo", "\(n)").body) } }
                var answers: Set<String> = []
                for try await answer in group { answers.insert(answer) }
                #expect(answers == Set((0..<60).map(String.init)))
            }
            #expect((1...3).contains(server.accepted))
        }
    }

    @Test func connectionCloseIsHonouredAndTheNextRequestOpensAnother() async throws {
        try await withServer(maxConnections: 1) { server, client async throws in
            #expect(String(buffer: try await post(client, "/close").body) == "bye")
            #expect(try await post(client, "/echo", "again").status == 200)
            #expect(server.accepted == 2)
        }
    }

    @Test func aSilentServerTimesOutAndTheClientGoesOn() async throws {
        try await withServer(maxConnections: 1) { server, client async throws in
            await #expect { try await post(client, "/silent", timeout: .milliseconds(200)) } throws: { error in
                (error as? HTTP1ClientError)?.kind == .timeout
            }
            // The timed-out connection was closed; its place is free for the next request.
            #expect(String(buffer: try await post(client, "/echo", "after").body) == "after")
        }
    }

    @Test func aConnectionDroppedWithoutAnAnswerFailsOnANewConnection() async throws {
        try await withServer(maxConnections: 1) { server, client async throws in
            await #expect { try await post(client, "/drop") } throws: { error in
                (error as? HTTP1ClientError)?.kind == .closedBeforeResponse
            }
            // On a reused connection the same drop is tried once more on a fresh one, which drops it too.
            #expect(try await post(client, "/echo", "x").status == 200)
            await #expect(throws: HTTP1ClientError.self) { try await post(client, "/drop") }
            #expect(server.accepted == 3)
        }
    }

    @Test func chunkedBodiesAndErrorStatusesComeBackWhole() async throws {
        try await withServer(maxConnections: 2) { server, client async throws in
            let big = try await post(client, "/big")
            #expect(big.body.readableBytes == 300_000)
            #expect(big.body.readableBytesView.allSatisfy { $0 == 0x61 })
            #expect(try await post(client, "/status/404").status == 404)
            #expect(try await post(client, "/status/500").status == 500)
        }
    }

    @Test func aServerThatIsGoneIsAConnectError() async throws {
        let server = try await TestServer(group: Self.group)
        let port = server.port
        try await server.close()
        let client = HTTP1Client(host: "127.0.0.1", port: port, group: Self.group, maxConnections: 1)
        await #expect(throws: (any Error).self) { try await post(client, "/echo") }
        client.shutdown()
    }

    @Test func plainOriginsAreParsedAndOthersLeftToAsyncHTTPClient() {
        #expect(PlainHTTPOrigin("http://localhost:8080/engine-rest") == .init(host: "localhost", port: 8080, path: "/engine-rest"))
        #expect(PlainHTTPOrigin("HTTP://engine/engine-rest") == .init(host: "engine", port: 80, path: "/engine-rest"))
        #expect(PlainHTTPOrigin("http://[::1]:9000") == .init(host: "::1", port: 9000, path: ""))
        #expect(PlainHTTPOrigin("https://engine/engine-rest") == nil)
        #expect(PlainHTTPOrigin("http://user:pw@engine/engine-rest") == nil)
        #expect(PlainHTTPOrigin("http://engine:99999/x") == nil)
        #expect(PlainHTTPOrigin("http:///x") == nil)
    }
}
