// SPDX-License-Identifier: Apache-2.0
import DequeModule
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.1 client for one plain-http origin, the engine: keep-alive connections, one request at a time on
/// each, at most `maxConnections` open (further requests wait for one to come free).
///
/// Why not AsyncHTTPClient for this: a worker's calls are many tiny POSTs to one origin, and in the REST benchmark
/// AsyncHTTPClient's per-request machinery (connection-pool state machine, request tasks, tracing, redirects,
/// body streaming) took most of the worker's CPU. Here a request is one pipeline write and one promise.
/// `RESTTransport` uses AsyncHTTPClient for https URLs.
final class HTTP1Client: Sendable {
    let host: String
    let port: Int
    private let group: any EventLoopGroup
    private let maxConnections: Int
    private let pool = Mutex(Pool())

    private struct Pool {
        var idle: [any Channel] = []
        /// Connections open or being opened, idle ones included.
        var open = 0
        /// Requests waiting for a connection: handed an idle one, or nil meaning "a place is free, open one".
        var waiting = Deque<CheckedContinuation<(any Channel)?, Never>>()
        var closed = false
    }

    init(host: String, port: Int, group: any EventLoopGroup, maxConnections: Int) {
        self.host = host
        self.port = port
        self.group = group
        self.maxConnections = max(1, maxConnections)
    }

    /// Sends one request and returns the whole response. A request on a reused connection that the server had
    /// closed meanwhile (it ended before any byte of the answer) is sent once more on a new connection.
    func execute(_ head: HTTPRequestHead, body: ByteBuffer?, timeout: TimeAmount) async throws -> HTTP1Response {
        var head = head
        if !head.headers.contains(name: "Host") {
            head.headers.add(name: "Host", value: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
        }
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body?.readableBytes ?? 0))
        for attempt in 0..<2 {
            let (channel, reused) = try await connection()
            let promise = channel.eventLoop.makePromise(of: HTTP1Response.self)
            channel.writeAndFlush(HTTP1Exchange(head: head, body: body, timeout: timeout, promise: promise), promise: nil)
            do {
                let response = try await withTaskCancellationHandler {
                    try await promise.futureResult.get()
                } onCancel: {
                    channel.close(promise: nil)
                }
                release(channel, reusable: response.keepAlive)
                return response
            } catch let error as HTTP1ClientError where error.kind == .closedBeforeResponse && reused && attempt == 0 {
                release(channel, reusable: false)
                continue
            } catch {
                release(channel, reusable: false)
                if Task.isCancelled { throw CancellationError() }
                throw error
            }
        }
        preconditionFailure("the second attempt returns or throws")
    }

    /// An idle connection (reused: true), or a new one.
    private func connection() async throws -> (any Channel, reused: Bool) {
        enum Next { case idle(any Channel), open, wait }
        while true {
            let next: Next = pool.withLock { pool in
                while let channel = pool.idle.popLast() {
                    if channel.isActive { return .idle(channel) }
                    pool.open -= 1
                }
                guard pool.open < maxConnections else { return .wait }
                pool.open += 1
                return .open
            }
            switch next {
            case .idle(let channel): return (channel, true)
            case .open:
                do { return (try await connect(), false) } catch {
                    release(nil, reusable: false)
                    throw error
                }
            case .wait:
                let handed = await withCheckedContinuation { continuation in
                    pool.withLock { $0.waiting.append(continuation) }
                }
                if let handed {
                    if handed.isActive { return (handed, true) }
                    handed.close(promise: nil)
                }
                // Its place is ours now: open a connection in it.
                do { return (try await connect(), false) } catch {
                    release(nil, reusable: false)
                    throw error
                }
            }
        }
    }

    private func connect() async throws -> any Channel {
        try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(HTTP1ClientHandler())
                }
            }
            .connect(host: host, port: port).get()
    }

    /// Gives a connection back: to a waiting request, to the idle list, or closed. nil: a connection that could
    /// not be opened (its place is free again).
    private func release(_ channel: (any Channel)?, reusable: Bool) {
        var keep = reusable && channel?.isActive == true
        let waiter: CheckedContinuation<(any Channel)?, Never>? = pool.withLock { pool in
            if pool.closed { keep = false }
            // A waiter takes the connection, or the place of a closed one.
            if let waiter = pool.waiting.popFirst() { return waiter }
            if keep, let channel { pool.idle.append(channel) } else { pool.open -= 1 }
            return nil
        }
        if !keep { channel?.close(promise: nil) }
        waiter?.resume(returning: keep ? channel : nil)
    }

    /// Closes the idle connections; requests in flight finish, then close their connections.
    func shutdown() {
        let (idle, waiting) = pool.withLock { pool in
            pool.closed = true
            // Each waiter gets a place of its own to open a connection in.
            pool.open += pool.waiting.count
            defer { pool.idle.removeAll(); pool.waiting.removeAll() }
            return (pool.idle, pool.waiting)
        }
        for channel in idle { channel.close(promise: nil) }
        for waiter in waiting { waiter.resume(returning: nil) }
    }
}

/// `http://host[:port][/path]`: what the lean client serves (nil for https and anything else).
struct PlainHTTPOrigin: Equatable {
    let host: String
    let port: Int
    let path: String

    init(host: String, port: Int, path: String) {
        self.host = host
        self.port = port
        self.path = path
    }

    init?(_ url: String) {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        path = String(rest.dropFirst(authority.count))
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        if authority.hasPrefix("[") {
            // [IPv6]:port
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return nil }
            guard let port = after.isEmpty ? 80 : Int(after.dropFirst()), (1...65535).contains(port) else { return nil }
            self.port = port
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, !parts[0].isEmpty else { return nil }
            host = String(parts[0])
            guard let port = parts.count == 2 ? Int(parts[1]) : 80, (1...65535).contains(port) else { return nil }
            self.port = port
        }
    }
}
