// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Logging
import Workers

/// `--redis-url` / `--redis-cluster`, shared by `serve --store redis` and `worker --transport redis`.
struct RedisOptions: ParsableArguments {
    @Option(help: "The Redis server, redis://HOST:PORT (also WORKFLOW_REDIS_URL or REDIS_URL).")
    var redisURL = ProcessInfo.processInfo.environment["WORKFLOW_REDIS_URL"]
        ?? ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"
    @Option(help: "A Redis Cluster instead of --redis-url: some of its nodes, HOST:PORT,HOST:PORT,... (also WORKFLOW_REDIS_CLUSTER)")
    var redisCluster = ProcessInfo.processInfo.environment["WORKFLOW_REDIS_CLUSTER"]

    func check() throws {
        do {
            if let redisCluster { _ = try RedisClusterClient(nodes: redisCluster) } else { _ = try RedisEndpoint(url: redisURL) }
        } catch {
            throw ValidationError("\(redisCluster == nil ? "--redis-url" : "--redis-cluster"): \(error.message)")
        }
    }

    /// The store on the chosen Redis; it must answer before anything starts.
    func connect(logger: Logger) async throws -> RedisWorkflowStore {
        let client: any RedisConnector
        if let redisCluster {
            let cluster = try RedisClusterClient(nodes: redisCluster)
            do { try await cluster.refreshSlots() } catch {
                throw ValidationError("cannot read the Redis Cluster's slots from \(redisCluster): \(error)")
            }
            client = cluster
        } else {
            client = RedisClient(try RedisEndpoint(url: redisURL))
            do { try await client.send("PING") } catch { throw ValidationError("cannot reach Redis at \(redisURL): \(error)") }
        }
        logger.info("store: redis", metadata: ["redis": "\(client.endpoints.map(\.description).joined(separator: ","))"])
        return RedisWorkflowStore(client)
    }
}
