// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import BPMN
import Foundation
import NIOCore
import NIOPosix
import NIOHTTP1
import Workflow

/// The Camunda 7 REST transport: `POST /external-task/fetchAndLock` and `/external-task/{id}/...`, as any Camunda
/// external-task client sends them. Works against this server and against a Camunda 7 engine.
public final class RESTTransport: ExternalTaskTransport {
    /// The REST root, e.g. `http://localhost:8080/engine-rest`.
    public let baseURL: String
    private let http: HTTP
    private let headers: HTTPHeaders
    /// Completes ready at the same moment share one `POST /external-task/complete`; nil: one request each.
    let completes: CompleteBatcher<CompleteEntry>?

    /// http: this module's lean HTTP/1.1 client; https: AsyncHTTPClient (TLS).
    private enum HTTP {
        case plain(HTTP1Client, pathPrefix: String)
        case tls(HTTPClient)
    }

    /// The HTTP client's event loops, shared by every transport of the process: half the cores, at least one
    /// (handlers and the runtime run on the other half). On 2 cores, one loop instead of two cut the workers' CPU
    /// per task in the REST benchmark by about a tenth.
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount / 2))

    /// - Parameters:
    ///   - connections: the most HTTP/1.1 connections kept to the engine (a long poll holds one per worker pool).
    ///   - batchCompletes: send the completes that are ready at the same moment in one request (this server's
    ///     `POST /external-task/complete`; against an engine without it, one request each, as when false).
    ///   - eventLoops: the HTTP client's event loops (default: the transports' shared group above). A worker that runs
    ///     Swift concurrency on NIO's singleton group passes that group, so that an answer resumes its caller on the
    ///     loop it arrived on.
    public init(
        baseURL: String, connections: Int = 64, headers: [(String, String)] = [], batchCompletes: Bool = true,
        eventLoops: (any EventLoopGroup)? = nil
    ) {
        let eventLoops = eventLoops ?? Self.eventLoops
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        if let origin = PlainHTTPOrigin(self.baseURL) {
            http = .plain(HTTP1Client(host: origin.host, port: origin.port, group: eventLoops,
                                      maxConnections: connections), pathPrefix: origin.path)
        } else {
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(
                idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
            configuration.timeout = .init(connect: .seconds(5))
            http = .tls(HTTPClient(eventLoopGroupProvider: .shared(eventLoops), configuration: configuration))
        }
        var all = HTTPHeaders([("Content-Type", "application/json"), ("Accept", "application/json")])
        all.add(contentsOf: headers)
        self.headers = all
        completes = batchCompletes ? CompleteBatcher() : nil
    }

    /// Closes the connections; call once the worker has stopped.
    public func shutdown() async throws {
        switch http {
        case .plain(let client, _): client.shutdown()
        case .tls(let client): try await client.shutdown()
        }
    }

    public func fetchAndLock(_ fetch: WorkerFetch) async throws -> [WorkerTask] {
        var body: [String: ExpressionValue] = [
            "workerId": .string(fetch.workerID), "maxTasks": .int(Int64(fetch.maxTasks)), "usePriority": true,
            "topics": .array(fetch.topics.map { topic in
                var entry: [String: ExpressionValue] = [
                    "topicName": .string(topic.name), "lockDuration": .int(topic.lockDuration),
                    "includeExtensionProperties": true,
                ]
                if let names = topic.variables { entry["variables"] = .array(names.map { .string($0) }) }
                return .object(entry)
            }),
        ]
        if let timeout = fetch.asyncResponseTimeout { body["asyncResponseTimeout"] = .int(timeout) }
        if let pool = fetch.workerPool { body["workerPool"] = .string(pool.rawValue) }
        let wait = TimeAmount.milliseconds(fetch.asyncResponseTimeout ?? 0) + .seconds(30)
        let path = "/external-task/fetchAndLock"
        let (status, bytes) = try await exchange(path, body: .object(body), timeout: wait)
        guard (200..<300).contains(status) else { throw Self.failure(status: status, reply: Self.json(bytes), path: path) }
        let answer = Array(bytes.readableBytesView)
        guard let tasks = Self.lockedTasks(answer, workerID: fetch.workerID) else {
            let text = String(decoding: answer.prefix(200), as: UTF8.self)
            throw WorkerTransportError(.unavailable, "fetchAndLock answered \(text), not an array")
        }
        return tasks
    }

    public func failure(_ taskID: String, workerID: String, message: String, details: String?, retries: Int,
                        retryTimeout: Int64) async throws {
        _ = try await post(path(taskID, "failure"), body: [
            "workerId": .string(workerID), "errorMessage": .string(message),
            "errorDetails": details.map { .string($0) } ?? .null, "retries": .int(Int64(retries)),
            "retryTimeout": .int(retryTimeout),
        ])
    }

    public func bpmnError(_ taskID: String, workerID: String, code: String, message: String?,
                          variables: [String: VariableValue]) async throws {
        _ = try await post(path(taskID, "bpmnError"), body: [
            "workerId": .string(workerID), "errorCode": .string(code),
            "errorMessage": message.map { .string($0) } ?? .null, "variables": Self.encode(variables),
        ])
    }

    public func extendLock(_ taskID: String, workerID: String, duration: Int64) async throws {
        _ = try await post(path(taskID, "extendLock"), body: ["workerId": .string(workerID), "newDuration": .int(duration)])
    }

    public func unlock(_ taskID: String) async throws {
        _ = try await post(path(taskID, "unlock"), body: [:])
    }

    /// `GET /worker-pool` (this server's, not Camunda's: nil against a Camunda engine, which answers 404).
    public func poolLoad(_ pool: WorkerPoolType) async throws -> PoolLoadReading? {
        let (status, bytes): (Int, ByteBuffer)
        do {
            (status, bytes) = try await send(.GET, "/worker-pool", body: nil, timeout: .seconds(10))
        } catch {
            throw WorkerTransportError(.unavailable, "GET /worker-pool: \(error)")
        }
        guard status == 200, case .array(let pools)? = try? ExpressionValue.parseJSON(bytes.readableBytesView) else { return nil }
        for entry in pools {
            guard let fields = entry.objectValue, fields["pool"]?.stringValue == pool.rawValue else { continue }
            return PoolLoadReading(queued: Int(fields["queued"]?.intValue ?? 0), inFlight: Int(fields["inFlight"]?.intValue ?? 0),
                                   workers: Int(fields["workers"]?.intValue ?? 1))
        }
        return nil
    }

    func path(_ taskID: String, _ verb: String) -> String {
        "/external-task/\(taskID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? taskID)/\(verb)"
    }

    static func encode(_ variables: [String: VariableValue]) -> ExpressionValue {
        .object(variables.mapValues { $0.camundaDTO() })
    }

    /// POSTs JSON and returns the JSON answer (`.null` for 204); maps failures to `WorkerTransportError`.
    func post(_ path: String, body: ExpressionValue, timeout: TimeAmount = .seconds(30)) async throws -> ExpressionValue {
        let (status, bytes) = try await exchange(path, body: body, timeout: timeout)
        let json = Self.json(bytes)
        if (200..<300).contains(status) { return json }
        throw Self.failure(status: status, reply: json, path: path)
    }

    /// POSTs JSON and returns the status and body; a failure to get an answer is a `WorkerTransportError`.
    private func exchange(_ path: String, body: ExpressionValue, timeout: TimeAmount) async throws -> (Int, ByteBuffer) {
        do {
            return try await send(.POST, path, body: ByteBuffer(bytes: body.jsonBytes), timeout: timeout)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw WorkerTransportError(.unavailable, "POST \(path): \(error)")
        }
    }

    /// An answer's body as JSON (`.null` when empty or not JSON).
    static func json(_ bytes: ByteBuffer) -> ExpressionValue {
        bytes.readableBytes == 0 ? .null : (try? ExpressionValue.parseJSON(bytes.readableBytesView)) ?? .null
    }

    /// What an answer that is not a success means to the worker (`reply`: Camunda's error body, if any).
    static func failure(status: Int, reply: ExpressionValue, path: String) -> WorkerTransportError {
        let message = reply.objectValue?["message"]?.stringValue ?? "HTTP \(status)"
        let type = reply.objectValue?["type"]?.stringValue ?? ""
        switch status {
        case 404: return WorkerTransportError(.notFound, message)
        case 400..<500 where status != 429 && status != 408: return WorkerTransportError(.rejected, message)
        // Camunda 7 answers a lock held by another worker with 500 and a BadUserRequestException.
        case 500 where type.hasSuffix("BadUserRequestException") || message.contains("locked by"):
            return WorkerTransportError(.rejected, message)
        default: return WorkerTransportError(.unavailable, "POST \(path): \(message)")
        }
    }

    /// One request to `baseURL + path`: the status and the whole body.
    func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer?, timeout: TimeAmount)
        async throws -> (Int, ByteBuffer)
    {
        switch http {
        case .plain(let client, let prefix):
            let head = HTTPRequestHead(version: .http1_1, method: method, uri: prefix + path, headers: headers)
            let response = try await client.execute(head, body: body, timeout: timeout)
            return (response.status, response.body)
        case .tls(let client):
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            request.headers = headers
            if let body { request.body = .bytes(body) }
            let response = try await client.execute(request, timeout: timeout)
            return (Int(response.status.code), try await response.body.collect(upTo: HTTP1ClientHandler.maxBody))
        }
    }
}
