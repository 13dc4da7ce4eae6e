// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BPMN
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import Scaler
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
    /// On 2 cores, one HTTP thread instead of two cut the server's CPU per task in the REST benchmark by about a fifth
    /// (fewer threads than cores wake each other less).
    @Option(help: "Threads that serve HTTP connections (default: half the cores, at least one; the rest run the engine's steps and the Redis calls).")
    var httpThreads = Int(ProcessInfo.processInfo.environment["WORKFLOW_HTTP_THREADS"] ?? "") ?? max(1, System.coreCount / 2)
    @OptionGroup var redis: RedisOptions
    @OptionGroup var scale: ScaleOptions
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
        _ = try scale.configuration()
        guard ["memory", "redis"].contains(store) else { throw ValidationError("--store must be memory or redis") }
        if store == "redis" { try redis.check() }
        guard (1...256).contains(httpThreads) else { throw ValidationError("--http-threads must be between 1 and 256, not \(httpThreads)") }
    }

    /// The chosen store; Redis must answer PING before the engine starts.
    private func makeStore(logger: Logger) async throws -> any WorkflowStore {
        store == "redis" ? try await redis.connect(logger: logger) : MemoryWorkflowStore()
    }

    func run() async throws {
        bootstrapLogging(format: logFormat, level: logLevel)
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        MetricsSystem.bootstrap(factory)
        let logger = Logger(label: "workflow")
        logger.info("malloc: \(Allocator.version)")
        let store = try await makeStore(logger: logger)
        let engine = Engine(store: store, logger: logger, topicPools: try topicPools())
        try await engine.loadRepository()
        let scaler = ScalerService(scaler: Scaler(try scale.configuration()),
                                   interval: .milliseconds(Int64(scale.scaleInterval * 1000)), logger: logger) {
            let statistics = try await engine.store.poolStatistics(now: engine.clock.now())
            let loads = Dictionary(statistics.map { ($0.pool, PoolLoad(queued: $0.queued, inFlight: $0.inFlight)) }) { $1 }
            return (loads, engine.activeWorkers())
        }
        var services: [any Service] = [TimerService(engine: engine), RepositorySyncService(engine: engine),
                                       LeaseWatchService(engine: engine), scaler]
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
            },
            metrics: registry,
            extraGauges: { scaler.latest.flatMap(\.gauges).map { ScrapeGauge($0.name, $0.help, $0.labels, $0.value) } },
            scalerRecommendations: { .array(scaler.latest.map(\.json)) })
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "workflow"),
            services: services, eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup(numberOfThreads: httpThreads)),
            logger: logger)
        try await app.runService()
    }

    /// Task durations run from milliseconds (no-op workers) to hours (batch jobs); requests from microseconds.
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
    ]

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
