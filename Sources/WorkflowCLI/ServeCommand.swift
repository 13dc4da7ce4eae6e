// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BPMN
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Workers
import Workflow
import WorkflowAPI

/// `workflow serve`: the engine and its REST API, on the embedded store or on Redis.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the engine and the Camunda REST API (/engine-rest).")

    @Option(help: "Address to listen on.") var host = ProcessInfo.processInfo.environment["WORKFLOW_HOST"] ?? "0.0.0.0"
    @Option(help: "Port to listen on.") var port = Int(ProcessInfo.processInfo.environment["WORKFLOW_PORT"] ?? "") ?? 8080
    @Option(help: "Deploy every .bpmn file of this folder at start.") var processes: String?
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel = "info"
    @Option(help: "Log format: text, or json (one object per line).")
    var logFormat = ProcessInfo.processInfo.environment["WORKFLOW_LOG_FORMAT"] ?? "text"
    @Option(help: "Where state lives: memory (embedded, lost on restart) or redis.")
    var store = ProcessInfo.processInfo.environment["WORKFLOW_STORE"] ?? "memory"
    @OptionGroup var redis: RedisOptions
    @Option(name: .customLong("topic-pool"), parsing: .singleValue,
            help: "TOPIC=POOL: the worker pool type of a topic whose model names none (repeatable; also WORKFLOW_TOPIC_POOLS, comma-separated).")
    var topicPoolOptions: [String] = []

    /// `--topic-pool` and `WORKFLOW_TOPIC_POOLS` as a map.
    func topicPools() throws -> [String: WorkerPoolType] {
        let fromEnvironment = (ProcessInfo.processInfo.environment["WORKFLOW_TOPIC_POOLS"] ?? "").split(separator: ",").map(String.init)
        var pools: [String: WorkerPoolType] = [:]
        for entry in fromEnvironment + topicPoolOptions where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let pool = WorkerPoolType(lenient: parts[1]) else {
                throw ValidationError("--topic-pool '\(entry)': expected TOPIC=POOL with POOL one of "
                    + WorkerPoolType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            pools[parts[0]] = pool
        }
        return pools
    }

    func validate() throws {
        try checkLogging(format: logFormat, level: logLevel)
        _ = try topicPools()
        guard ["memory", "redis"].contains(store) else { throw ValidationError("--store must be memory or redis") }
        if store == "redis" { try redis.check() }
    }

    /// The chosen store; Redis must answer PING before the engine starts.
    private func makeStore(logger: Logger) async throws -> any WorkflowStore {
        store == "redis" ? try await redis.connect(logger: logger) : MemoryWorkflowStore()
    }

    func run() async throws {
        bootstrapLogging(format: logFormat, level: logLevel)
        let logger = Logger(label: "workflow")
        let store = try await makeStore(logger: logger)
        let engine = Engine(store: store, logger: logger, topicPools: try topicPools())
        try await engine.loadRepository()
        var services: [any Service] = [TimerService(engine: engine), RepositorySyncService(engine: engine)]
        if let redisStore = store as? RedisWorkflowStore {
            // Tasks made fetchable by other replicas wake this replica's long polls.
            services.append(RedisSubscriber(endpoints: redisStore.redis.endpoints, channel: redisStore.keys.signals, logger: logger) {
                message in engine.announced(topics: [message])
            })
        }
        if let processes { try await deployFolder(processes, engine: engine, logger: logger) }
        let redisClient = (store as? RedisWorkflowStore)?.redis
        let router = buildRouter(
            engine: engine, baseURL: "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)/engine-rest",
            readiness: {
                guard let redisClient else { return true }
                return (try? await redisClient.send("PING")) != nil
            })
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "workflow"),
            services: services, logger: logger)
        try await app.runService()
    }

    private func deployFolder(_ folder: String, engine: Engine, logger: Logger) async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".bpmn") || $0.hasSuffix(".bpmn20.xml") }.sorted()
        var resources: [Engine.Resource] = []
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            resources.append(Engine.Resource(name: file, bytes: Array(data)))
        }
        guard !resources.isEmpty else { return logger.warning("no .bpmn files in \(folder)") }
        do {
            // Duplicate filtering: a restart on a persistent store does not deploy unchanged files again.
            let result = try await engine.deploy(
                name: "processes", source: folder, resources: resources, enableDuplicateFiltering: true)
            let verb = result.isNew ? "deployed" : "already deployed:"
            logger.info("\(verb) \(result.deployment.processes.count) process definitions from \(folder)")
        } catch let error as WorkflowError {
            throw ValidationError("could not deploy \(folder): \(error.message)")
        }
    }
}
