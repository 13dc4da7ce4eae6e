// SPDX-License-Identifier: Apache-2.0
//
// Workers: schedules external tasks onto typed worker pools through Redis, and runs Swift workers.
import BPMN
import Foundation
import Synchronization
import Workflow

/// The Redis store: the engine's state in Redis (single node), laid out as `RedisKeys` describes. Each engine
/// step is one `apply` script in the instance's partition (version checks, then every write); a fetch is one
/// script per partition visited. Several engine replicas can share one Redis.
public final class RedisWorkflowStore: WorkflowStore {
    public let redis: any RedisConnector
    public let keys: RedisKeys
    /// Deployments already decoded (and their BPMN parsed) by this replica.
    private let deploymentCache = Mutex<[String: Deployment]>([:])
    /// The last task sequence handed out (microseconds since 1970, strictly increasing in this replica).
    private let lastSequence = Mutex<Int64>(0)
    /// Where the next unfiltered fetch starts, so partitions are visited round robin.
    let nextPartition = Atomic<Int>(0)
    /// Instance and task records decoded or written lately, by their exact JSON (`DecodedRecords`).
    let decodedInstances = DecodedRecords<ProcessInstance>(capacity: 8_192)
    let decodedTasks = DecodedRecords<ExternalTask>(capacity: 8_192)
    /// The tasks this replica's fetches locked lately, as handed out (`RecentLeases`).
    let leases = RecentLeases(capacity: 8_192)
    /// The instances the lock scripts read with the tasks they locked, by task id, until the fetch takes them.
    let instancesAtLock = PartitionedMemo<ProcessInstance>(capacity: 8_192)
    /// The tasks this replica's fetches are locking now (`FetchClaims`).
    let claims = FetchClaims()

    public init(_ redis: any RedisConnector, keys: RedisKeys = RedisKeys()) {
        self.redis = redis
        self.keys = keys
    }

    // MARK: Codec

    static func encode<T: Encodable>(_ value: T) -> String {
        // Encoding our own model types cannot fail (no non-finite doubles are stored).
        String(decoding: (try? RecordEncoder.encode(value)) ?? Array("null".utf8), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ reply: RedisReply) throws -> T? {
        guard let bytes = reply.bytes, !bytes.isEmpty else { return nil }
        return try RecordDecoder.decode(type, from: bytes)
    }

    /// Seconds since 1970 with full precision, the store's one time format.
    static func time(_ date: Date) -> String { String(date.timeIntervalSince1970) }

    static func date(_ text: Substring) -> Date? { Double(text).map { Date(timeIntervalSince1970: $0) } }

    func nextSequence(_ now: Date) -> Int64 {
        lastSequence.withLock { last in
            last = max(last + 1, Int64(now.timeIntervalSince1970 * 1_000_000))
            return last
        }
    }

    /// Runs the `apply` script in a partition: checks (hash, field, expected), then the operations; then gives back
    /// the slots of the slot-pool tasks it removed.
    func apply(_ partition: Int, checks: [(String, String, String)], _ operations: RedisOperations) async throws {
        var arguments: [[UInt8]] = [Array(keys.prefix(partition).utf8), Array(String(checks.count).utf8)]
        for (hash, field, expected) in checks { arguments += [Array(hash.utf8), Array(field.utf8), Array(expected.utf8)] }
        var command = RedisCommand.evalsha(RedisScripts.apply, keys: [keys.route(partition)], arguments: arguments)
        command.append(encoded: operations.resp, count: operations.count)
        do {
            let released = try await redis.evaluate(RedisScripts.apply, command)
            if !released.array.isEmpty { try await releaseSlots(released.array.compactMap(\.string)) }
        } catch let error as RedisError where error.code == .reply && error.message.hasPrefix("CONFLICT") {
            throw WorkflowError(.conflict, "A concurrent step changed \(error.message.dropFirst(9)); try again")
        }
    }

    /// Sends one command to every partition in one round trip.
    func everyPartition(_ command: (Int) -> RedisCommand) async throws -> [RedisReply] {
        try await redis.pipeline((0..<RedisKeys.partitions).map(command))
    }

    // MARK: Repository

    struct StoredDeployment: Codable {
        struct Process: Codable {
            let id, key, resourceName: String
            let version: Int
            let tenantID: String?
        }

        let id: String
        let name, source, tenantID: String?
        let deploymentTime: Date
        let resources: [String: Data]
        let processes: [Process]
    }

    public func saveDeployment(_ deployment: Deployment) async throws {
        let stored = StoredDeployment(
            id: deployment.id, name: deployment.name, source: deployment.source, tenantID: deployment.tenantID,
            deploymentTime: deployment.deploymentTime, resources: deployment.resources.mapValues { Data($0) },
            processes: deployment.processes.map {
                .init(id: $0.id, key: $0.key, resourceName: $0.resourceName, version: $0.version, tenantID: $0.tenantID)
            })
        try await pipelineChecked([
            RedisCommand("HSET", keys.deployments, deployment.id, Self.encode(stored)),
            RedisCommand("INCR", keys.deploymentsVersion),
        ])
        deploymentCache.withLock { $0[deployment.id] = deployment }
    }

    public func deployments() async throws -> [Deployment] {
        let all = try await redis.send("HGETALL", keys.deployments).array
        var result: [Deployment] = []
        for index in stride(from: 0, to: all.count - 1, by: 2) {
            guard let id = all[index].string else { continue }
            if let cached = deploymentCache.withLock({ $0[id] }) {
                result.append(cached)
            } else if let stored = try Self.decode(StoredDeployment.self, all[index + 1]) {
                let deployment = try Self.restore(stored)
                deploymentCache.withLock { $0[id] = deployment }
                result.append(deployment)
            }
        }
        return result.sorted { $0.deploymentTime < $1.deploymentTime }
    }

    /// Parses a stored deployment's BPMN again to rebuild its process definitions.
    static func restore(_ stored: StoredDeployment) throws -> Deployment {
        var parsed: [String: Definitions] = [:]
        let processes = try stored.processes.compactMap { process -> DeployedProcess? in
            guard let bytes = stored.resources[process.resourceName] else { return nil }
            if parsed[process.resourceName] == nil {
                parsed[process.resourceName] = try BPMNParser.parse(Array(bytes), resourceName: process.resourceName)
            }
            guard let definition = parsed[process.resourceName]?.processes.first(where: { $0.id == process.key })
            else { return nil }
            return DeployedProcess(
                id: process.id, key: process.key, version: process.version, deploymentID: stored.id,
                resourceName: process.resourceName, definition: definition, tenantID: process.tenantID,
                category: parsed[process.resourceName]?.targetNamespace)
        }
        return Deployment(
            id: stored.id, name: stored.name, source: stored.source, deploymentTime: stored.deploymentTime,
            tenantID: stored.tenantID, resources: stored.resources.mapValues { Array($0) }, processes: processes)
    }

    public func deleteDeployment(_ id: String) async throws {
        try await pipelineChecked([RedisCommand("HDEL", keys.deployments, id), RedisCommand("INCR", keys.deploymentsVersion)])
        deploymentCache.withLock { $0[id] = nil }
    }

    public func deploymentsVersion() async throws -> Int64 {
        try await redis.send("GET", keys.deploymentsVersion).integer ?? 0
    }

    /// A pipeline whose error replies are thrown.
    @discardableResult
    func pipelineChecked(_ commands: [RedisCommand]) async throws -> [RedisReply] {
        let replies = try await redis.pipeline(commands)
        if case .error(let message)? = replies.first(where: { if case .error = $0 { true } else { false } }) {
            throw RedisError(.reply, message)
        }
        return replies
    }

    // MARK: Instances

    public func instance(_ id: String) async throws -> ProcessInstance? {
        let prefix = keys.prefix(RedisKeys.partition(of: id))
        return try decodedInstances.decode(id, try await redis.send("HGET", prefix + "inst", id).bytes ?? [])
    }

    public func instances(definitionKey: String?) async throws -> [ProcessInstance] {
        let replies = try await everyPartition { RedisCommand("HGETALL", keys.prefix($0) + "inst") }
        let records = replies.flatMap { Self.fields($0).filter { RedisKeys.isRecordField($0.key) }.values }
        return try records.compactMap { try Self.decode(ProcessInstance.self, $0) }
            .filter { definitionKey == nil || $0.definitionKey == definitionKey }
            .sorted { $0.startTime < $1.startTime }
    }

    public func instances(ids: Set<String>) async throws -> [String: ProcessInstance] {
        let ordered = Array(ids)
        let replies = try await redis.pipeline(ordered.map {
            RedisCommand("HGET", keys.prefix(RedisKeys.partition(of: $0)) + "inst", $0)
        })
        var found: [String: ProcessInstance] = [:]
        for (id, reply) in zip(ordered, replies) { found[id] = try decodedInstances.decode(id, reply.bytes ?? []) }
        return found
    }
}
