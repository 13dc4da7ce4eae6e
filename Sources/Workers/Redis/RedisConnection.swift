// SPDX-License-Identifier: Apache-2.0
import CHiredis
import Glibc

/// One blocking hiredis connection. Not thread-safe: `RedisClient` hands it to one thread at a time, which is
/// why the `@unchecked Sendable` holds (the C context is never touched by two threads at once).
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>
    let endpoint: RedisEndpoint

    init(_ endpoint: RedisEndpoint, timeoutSeconds: Int = 5) throws(RedisError) {
        self.endpoint = endpoint
        let timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        guard let context = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), timeout) else {
            throw RedisError(.connection, "cannot allocate a connection to \(endpoint)")
        }
        if context.pointee.err != 0 {
            let reason = Self.errorText(context)
            redisFree(context)
            throw RedisError(.connection, "cannot connect to \(endpoint): \(reason)")
        }
        _ = redisSetTimeout(context, timeout)
        self.context = context
    }

    deinit { redisFree(context) }

    /// Sends the commands in one write and reads one reply each (a pipeline of one is a plain call).
    func send(_ commands: [RedisCommand]) throws(RedisError) -> [RedisReply] {
        var result: Result<[RedisReply], RedisError>!
        send(batch: [commands]) { _, outcome in result = outcome }
        return try result.get()
    }

    /// Sends several callers' commands in one write, then reads each caller's replies in turn and hands them over
    /// as soon as they are complete (`answer` is called once per caller, in order). A failure before any byte went
    /// out means nothing ran (`connection`, for every caller); once some did, or while reading, the callers not yet
    /// answered may have run (`lostReply`).
    func send(batch: [[RedisCommand]], answer: (Int, Result<[RedisReply], RedisError>) -> Void) {
        var sent = false
        do throws(RedisError) {
            try append(batch)
            var done: Int32 = 0
            while done == 0 {
                guard redisBufferWrite(context, &done) == REDIS_OK else {
                    throw RedisError(sent ? .lostReply : .connection,
                                     "cannot send to \(endpoint): \(Self.errorText(context))")
                }
                // One write went out: part of the batch may be running already.
                sent = true
            }
        } catch {
            for index in batch.indices { answer(index, .failure(error)) }
            return
        }
        for (index, commands) in batch.enumerated() {
            var replies: [RedisReply] = []
            replies.reserveCapacity(commands.count)
            while replies.count < commands.count, !isBroken {
                var raw: UnsafeMutableRawPointer?
                guard redisGetReply(context, &raw) == REDIS_OK, let raw else { break }
                replies.append(RedisReply(raw.assumingMemoryBound(to: redisReply.self)))
                freeReplyObject(raw)
            }
            answer(index, replies.count == commands.count ? .success(replies)
                : .failure(RedisError(.lostReply, "connection to \(endpoint) lost: \(Self.errorText(context))")))
        }
    }

    /// Queues the commands in hiredis' output buffer, formatted here as RESP in one buffer: one copy in, instead of
    /// an argument vector and a formatting pass per command.
    private func append(_ batch: [[RedisCommand]]) throws(RedisError) {
        var resp: [UInt8] = []
        resp.reserveCapacity(batch.reduce(0) { $0 + $1.reduce(0) { $0 + $1.respSize } })
        for commands in batch { for command in commands { command.writeRESP(into: &resp) } }
        let status = resp.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { redisAppendFormattedCommand(context, $0.baseAddress, $0.count) }
        }
        guard status == REDIS_OK else {
            throw RedisError(.connection, "cannot send to \(endpoint): \(Self.errorText(context))")
        }
    }

    /// Whether the connection is still usable (hiredis sets `err` for good once it fails).
    var isBroken: Bool { context.pointee.err != 0 }

    /// Whether the server closed an idle connection (or sent something unasked): a zero-timeout poll, so that a
    /// call is not written into a socket that is already gone.
    var isClosedByPeer: Bool {
        var poller = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) > 0
    }

    /// Writes a command without waiting for its reply (a subscription's `SUBSCRIBE`).
    func write(_ command: RedisCommand) throws(RedisError) {
        try append([[command]])
        var done: Int32 = 0
        while done == 0 {
            guard redisBufferWrite(context, &done) == REDIS_OK else {
                throw RedisError(.connection, "cannot send to \(endpoint): \(Self.errorText(context))")
            }
        }
    }

    /// The next pushed reply (a subscription's messages), waiting at most `milliseconds`; nil when none came.
    func nextPush(waitingAtMost milliseconds: Int32) throws(RedisError) -> RedisReply? {
        if let reply = try bufferedReply() { return reply }
        var poller = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, milliseconds) > 0 else { return nil }
        guard redisBufferRead(context) == REDIS_OK else {
            throw RedisError(.connection, "connection to \(endpoint) lost: \(Self.errorText(context))")
        }
        return try bufferedReply()
    }

    private func bufferedReply() throws(RedisError) -> RedisReply? {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
            throw RedisError(.protocolViolation, "unreadable reply from \(endpoint): \(Self.errorText(context))")
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// Where a Redis server listens.
public struct RedisEndpoint: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `redis://HOST:PORT` (a trailing `/db` or credentials are not supported and are an error).
    public init(url: String) throws(RedisError) {
        var rest = Substring(url)
        if rest.hasPrefix("redis://") { rest = rest.dropFirst("redis://".count) }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard !rest.contains("@"), !rest.contains("/"), parts.count <= 2, let host = parts.first, !host.isEmpty,
              let port = parts.count == 2 ? Int(parts[1]) : 6379, (1...65535).contains(port)
        else { throw RedisError(.connection, "not a Redis URL of the form redis://HOST:PORT: \(url)") }
        self.init(host: String(host), port: port)
    }

    public var description: String { "\(host):\(port)" }
}

/// One Redis command: its arguments as bytes (binary safe).
public struct RedisCommand: Sendable {
    public var arguments: [[UInt8]]

    public init(_ arguments: [String]) { self.arguments = arguments.map { Array($0.utf8) } }
    public init(_ arguments: String...) { self.init(arguments) }
    public init(bytes: [[UInt8]]) { self.arguments = bytes }

    public mutating func append(_ argument: String) { arguments.append(Array(argument.utf8)) }
    public mutating func append(bytes: [UInt8]) { arguments.append(bytes) }

    /// Arguments after `arguments`, already in RESP (`$LEN\r\nBYTES\r\n` each), and how many: a script's many
    /// operations go as one buffer (`RedisOperations`). A Cluster routes by `arguments`, never by these.
    private(set) var encodedTail: [UInt8] = []
    private(set) var encodedTailCount = 0

    mutating func append(encoded resp: [UInt8], count: Int) {
        encodedTail += resp
        encodedTailCount += count
    }

    /// Bytes of the command in RESP (at most: lengths are counted as 20 digits).
    var respSize: Int { 24 + arguments.reduce(0) { $0 + $1.count + 26 } + encodedTail.count }

    /// `*N\r\n` then `$LEN\r\nBYTES\r\n` per argument.
    func writeRESP(into buffer: inout [UInt8]) {
        func header(_ marker: UInt8, _ count: Int) {
            buffer.append(marker)
            buffer.append(contentsOf: String(count).utf8)
            buffer.append(13)
            buffer.append(10)
        }
        header(UInt8(ascii: "*"), arguments.count + encodedTailCount)
        for argument in arguments {
            header(UInt8(ascii: "$"), argument.count)
            buffer.append(contentsOf: argument)
            buffer.append(13)
            buffer.append(10)
        }
        buffer.append(contentsOf: encodedTail)
    }
}
