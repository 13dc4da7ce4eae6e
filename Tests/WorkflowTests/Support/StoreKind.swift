// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workers
import Workflow

/// The stores the conformance suite runs against. Every engine scenario runs once per kind.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    /// The embedded default store.
    case memory
    /// The memory store behind a wrapper that snapshots every instance through `Codable` on write and restores it
    /// on read: every step of every scenario also proves the instance survives persist/restore.
    case snapshotting
    /// The Redis store on the real server at `REDIS_URL` (scripts/test.sh starts one); each scenario in a
    /// namespace of its own. Without `REDIS_URL` the kind is left out, except under CI, where that is an error.
    case redis
    /// The Redis store on the real 6-node Redis Cluster at `REDIS_CLUSTER` (scripts/test.sh starts one); left out
    /// without it, except under CI.
    case redisCluster

    static var allCases: [StoreKind] {
        [.memory, .snapshotting] + (TestRedis.client == nil ? [] : [.redis]) + (TestRedis.cluster == nil ? [] : [.redisCluster])
    }

    var testDescription: String { rawValue }

    func make() -> any WorkflowStore {
        switch self {
        case .memory: MemoryWorkflowStore()
        case .snapshotting: SnapshottingStore(MemoryWorkflowStore())
        case .redis:
            RedisWorkflowStore(TestRedis.client!, keys: RedisKeys(namespace: "wf-test-\(IDGenerator.next()):"))
        case .redisCluster:
            RedisWorkflowStore(TestRedis.cluster!, keys: RedisKeys(namespace: "wf-test-\(IDGenerator.next()):"))
        }
    }
}

/// The Redis server of the test run.
enum TestRedis {
    static let client: RedisClient? = {
        guard let url = ProcessInfo.processInfo.environment["REDIS_URL"], !url.isEmpty else {
            precondition(ProcessInfo.processInfo.environment["CI"] == nil,
                         "CI is set but REDIS_URL is not: the Redis conformance run must not be skipped in CI")
            return nil
        }
        do { return RedisClient(try RedisEndpoint(url: url)) } catch { fatalError("REDIS_URL: \(error)") }
    }()

    static let cluster: RedisClusterClient? = {
        guard let nodes = ProcessInfo.processInfo.environment["REDIS_CLUSTER"], !nodes.isEmpty else {
            precondition(ProcessInfo.processInfo.environment["CI"] == nil,
                         "CI is set but REDIS_CLUSTER is not: the Redis Cluster conformance run must not be skipped in CI")
            return nil
        }
        do { return try RedisClusterClient(nodes: nodes) } catch { fatalError("REDIS_CLUSTER: \(error)") }
    }()
}

import Testing
