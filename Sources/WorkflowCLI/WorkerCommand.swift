// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BPMN
import Foundation
import Hummingbird
import Logging
import NIOPosix
import ReferenceWorkers
import ServiceLifecycle
import Workers
import Workflow

/// `workflow worker`: the reference workers of processes/ on the Swift worker runtime, over REST or straight on Redis.
struct WorkerCommand: AsyncParsableCommand {
    /// Where the worker's handlers and runtime run (see `WorkflowMain`, which installs the event loops as Swift's
    /// global executor before anything runs).
    enum Executor: String, ExpressibleByArgument, CaseIterable {
        case pool
        case eventLoops = "event-loops"
    }

    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the reference workers (ETL pipeline, order fulfilment) on the Swift worker runtime.",
        discussion: "Over REST (default) the worker talks to a workflow server, or to any Camunda 7 engine, at --url. "
            + "With --transport redis it runs the engine's lease scripts on Redis itself, with no HTTP hop. SIGTERM "
            + "drains: no new fetches, running handlers get --grace-period seconds, what is left is unlocked.")

    @Option(help: "Which workers: etl, order, all (both), or bench (completes every task of topic `bench` at once, for benchmarks); comma-separated.")
    var example = "all"
    @Option(help: "rest or redis.") var transport = ProcessInfo.processInfo.environment["WORKFLOW_WORKER_TRANSPORT"] ?? "rest"
    @Option(help: "The engine's REST root (rest transport).")
    var url = ProcessInfo.processInfo.environment["WORKFLOW_URL"] ?? "http://localhost:8080/engine-rest"
    @Flag(inversion: .prefixedNo, help: "Send the completes that are ready at the same moment in one request (rest transport; one request each against an engine without POST /external-task/complete).")
    var batchCompletes = ProcessInfo.processInfo.environment["WORKFLOW_BATCH_COMPLETES"] != "false"
    @OptionGroup var redis: RedisOptions
    @Option(help: "The worker id sent with every call (default: $WORKFLOW_WORKER_ID, else host-pid).") var workerID: String?
    @Option(help: "Handlers at once per pool type, e.g. CPU=2,IO=32 (default: from the core count).")
    var concurrency = ProcessInfo.processInfo.environment["WORKFLOW_WORKER_CONCURRENCY"] ?? ""
    @Option(help: "Lock per task in milliseconds; a heartbeat extends it while the handler runs.") var lockDuration: Int64 = 30_000
    @Option(help: "Long-poll wait per fetch in milliseconds.") var longPoll: Int64 = 20_000
    @Option(help: "Seconds running handlers get to finish after SIGTERM.") var gracePeriod: Double = 25
    @Option(help: "Consecutive failures that open a topic's circuit breaker.") var breakerFailures = 5
    @Option(help: "Seconds a circuit stays open before one probe task.") var breakerOpenSeconds: Double = 30
    @Option(help: "Retries a task gets at its first failure.") var retries = 3
    @Option(help: "Back-off base in milliseconds (doubling per failure, with jitter, capped at 60 s).") var retryBaseMs: Int64 = 1_000
    @Option(help: "The ETL workers' SQLite file.") var database = "etl.sqlite"
    @Option(help: "Pools that size their own concurrency on the engine's queue, within bounds: POOL=MIN:MAX,... (e.g. IO=4:64).")
    var adaptiveConcurrency: String?
    @Option(help: "Run only the handlers of these worker pools, e.g. IO_INTENSIVE,NETWORK (one Deployment per pool).")
    var pools: String?
    @Option(help: "Serve /health/live and /health/ready on this port (0: none); ready while fetching, not while draining.")
    var healthPort = Int(ProcessInfo.processInfo.environment["WORKFLOW_WORKER_HEALTH_PORT"] ?? "") ?? 0
    @Option(help: "Add this many milliseconds to every handler, to watch pools, slot limits and drains at human speed.")
    var simulateLatencyMs: Int64 = 0
    @Option(help: "Append one JSON line per task event (started, handled, settled, ...) to this file.") var activityLog: String?
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel = "info"
    @Option(help: "Where handlers run: pool (Swift's cooperative thread pool, beside the HTTP client's event loop; for handlers that block or compute) or event-loops (handlers, runtime and HTTP client share NIO's event loops, one per core: no thread hop between a call and its answer; for short handlers that do not block, over REST: with --transport redis it is slower).")
    var executor = Executor(rawValue: ProcessInfo.processInfo.environment["WORKFLOW_WORKER_EXECUTOR"] ?? "") ?? .pool
    @Option(help: "Log format: json (one object per line) or text.")
    var logFormat = ProcessInfo.processInfo.environment["WORKFLOW_LOG_FORMAT"] ?? "json"

    func validate() throws {
        try checkLogging(format: logFormat, level: logLevel)
        guard ["rest", "redis"].contains(transport) else { throw ValidationError("--transport must be rest or redis") }
        if transport == "redis" { try redis.check() }
        _ = try examples()
        _ = try poolFilter()
        _ = try adaptive()
        guard (0...65535).contains(healthPort) else { throw ValidationError("--health-port must be 0...65535") }
        if let raw = ProcessInfo.processInfo.environment["WORKFLOW_WORKER_EXECUTOR"], Executor(rawValue: raw) == nil {
            throw ValidationError("WORKFLOW_WORKER_EXECUTOR must be pool or event-loops, not '\(raw)'")
        }
        do { _ = try WorkerConfiguration.parseConcurrency(concurrency) } catch { throw ValidationError("--concurrency: \(error)") }
        guard lockDuration > 0, longPoll >= 0, simulateLatencyMs >= 0, gracePeriod >= 0, breakerFailures > 0, breakerOpenSeconds >= 0, retries >= 0
        else { throw ValidationError("durations, counts and retries must not be negative (lock duration and breaker failures above 0)") }
    }

    func examples() throws -> [String] {
        let names = example.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let known = ["etl", "order", "all", "bench"]
        guard !names.isEmpty, let unknown = Optional(names.filter { !known.contains($0) }), unknown.isEmpty else {
            throw ValidationError("--example: expected etl, order, all or bench, not '\(example)'")
        }
        return names.flatMap { $0 == "all" ? ["etl", "order"] : [$0] }
    }

    func adaptive() throws -> [WorkerPoolType: AdaptiveConcurrency] {
        var result: [WorkerPoolType: AdaptiveConcurrency] = [:]
        for entry in (adaptiveConcurrency ?? "").split(separator: ",") {
            let parts = entry.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            let bounds = parts.count == 2 ? parts[1].split(separator: ":").compactMap { Int($0) } : []
            guard parts.count == 2, let pool = WorkerPoolType(lenient: parts[0]), bounds.count == 2, bounds[0] >= 1,
                  bounds[1] >= bounds[0] else {
                throw ValidationError("--adaptive-concurrency '\(entry)': expected POOL=MIN:MAX with 1 <= MIN <= MAX")
            }
            result[pool] = AdaptiveConcurrency(bounds: bounds[0]...bounds[1])
        }
        return result
    }

    func poolFilter() throws -> Set<WorkerPoolType>? {
        guard let pools else { return nil }
        var result: Set<WorkerPoolType> = []
        for name in pools.split(separator: ",") {
            guard let pool = WorkerPoolType(lenient: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--pools: '\(name)' is not one of " + WorkerPoolType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            result.insert(pool)
        }
        return result
    }

    func run() async throws {
        bootstrapLogging(format: logFormat, level: logLevel)
        let logger = Logger(label: "workflow.worker")
        var subscriptions: [TopicSubscription] = []
        for name in try examples() {
            switch name {
            case "etl": subscriptions += ETLWorkers(databasePath: database).subscriptions
            case "order": subscriptions += OrderWorkers().subscriptions
            default: subscriptions.append(TopicSubscription(topic: "bench") { _ in .complete() })
            }
        }
        if let only = try poolFilter() { subscriptions = subscriptions.filter { only.contains($0.pool) } }
        guard !subscriptions.isEmpty else { throw ValidationError("no handler left: --pools excludes every topic of --example") }
        if simulateLatencyMs > 0 {
            let latency = Duration.milliseconds(simulateLatencyMs)
            subscriptions = subscriptions.map { subscription in
                TopicSubscription(topic: subscription.topic, pool: subscription.pool, lockDuration: subscription.lockDuration,
                                  variables: subscription.variables) { task in
                    try await Task.sleep(for: latency)
                    return try await subscription.handler(task)
                }
            }
        }
        let configuration = WorkerConfiguration(
            workerID: workerID ?? ProcessInfo.processInfo.environment["WORKFLOW_WORKER_ID"] ?? WorkerConfiguration.defaultWorkerID(),
            concurrency: try WorkerConfiguration.parseConcurrency(concurrency), lockDuration: lockDuration,
            longPoll: longPoll, gracePeriod: .milliseconds(Int64(gracePeriod * 1000)),
            circuitBreaker: .init(failureThreshold: breakerFailures, openDuration: .milliseconds(Int64(breakerOpenSeconds * 1000))),
            retries: retries, retryPolicy: RetryPolicy(baseMilliseconds: retryBaseMs, capMilliseconds: 60_000))
        var configured = configuration
        configured.adaptive = try adaptive()
        let observer = try activityLog.map { try TaskActivityLog(path: $0) }

        var services: [any Service] = []
        let chosen: any ExternalTaskTransport
        var rest: RESTTransport?
        if transport == "redis" {
            let store = try await redis.connect(logger: logger)
            let engine = Engine(store: store, logger: logger)
            try await engine.loadRepository()
            services.append(RepositorySyncService(engine: engine))
            // New and unlocked tasks published by any replica wake this worker's long polls.
            services.append(RedisSubscriber(endpoints: store.redis.endpoints, channel: store.keys.signals, logger: logger) {
                message in engine.announced(topics: [message])
            })
            chosen = EngineTransport(engine: engine)
        } else {
            rest = RESTTransport(baseURL: url, batchCompletes: batchCompletes,
                                 eventLoops: executor == .eventLoops ? MultiThreadedEventLoopGroup.singleton : nil)
            chosen = rest!
        }
        let runtime = WorkerRuntime(transport: chosen, configuration: configured, subscriptions: subscriptions,
                                    logger: logger, observer: observer)
        if healthPort > 0 {
            let router = Router()
            router.get("health/live") { _, _ in "{\"status\":\"UP\"}" }
            router.get("health/ready") { _, _ -> Response in
                let ready = runtime.isFetching
                return Response(status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: ready ? "{\"status\":\"UP\"}" : "{\"status\":\"DRAINING\"}")))
            }
            services.append(Application(router: router, configuration: .init(address: .hostname("0.0.0.0", port: healthPort)),
                                        logger: logger))
        }
        // A group shuts its services down last to first: the runtime, last, drains first, while the health server
        // (answering 503 DRAINING) and the Redis helpers still run; they stop once it has returned.
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }
                + [.init(service: runtime, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await rest?.shutdown()
            throw error
        }
        try await rest?.shutdown()
    }
}
