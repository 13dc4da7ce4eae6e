// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import Prometheus
import Synchronization
import Workflow

/// `GET /metrics`: the Prometheus registry the program bootstrapped swift-metrics with (the engine's counters and
/// timers, HTTP durations), plus gauges read from the store at each scrape: queue depth per topic, pool and
/// priority level; queued and in-flight tasks per worker pool; slot pools; open incidents; and whatever
/// `extraGauges` publishes (the scaler's recommendations).
struct MetricsController<Context: RequestContext>: Sendable {
    let engine: Engine
    let registry: PrometheusCollectorRegistry
    let extraGauges: @Sendable () async -> [ScrapeGauge]
    /// The gauges set at the previous scrape: a label set that is gone (a deleted topic) is unregistered.
    private let previous = Locked<[String: Gauge]>([:])

    init(engine: Engine, registry: PrometheusCollectorRegistry, extraGauges: @escaping @Sendable () async -> [ScrapeGauge]) {
        self.engine = engine
        self.registry = registry
        self.extraGauges = extraGauges
    }

    func addRoutes(to router: Router<Context>) {
        router.get("metrics") { _, _ in try await self.scrape() }
    }

    func scrape() async throws -> Response {
        let now = engine.clock.now()
        var gauges: [ScrapeGauge] = []
        let topics = engine.deployedTopics()
        for depth in try await engine.store.queueDepths(topics: topics.keys.sorted(), now: now) {
            gauges.append(ScrapeGauge(
                "workflow_queue_depth", "Tasks waiting in their topic's queue, by worker pool and priority level",
                [("topic", depth.topic), ("pool", topics[depth.topic]?.rawValue ?? "GENERAL_PURPOSE"), ("priority", depth.level.name)],
                Double(depth.queued)))
        }
        for pool in try await engine.store.poolStatistics(now: now) {
            let labels = [("pool", pool.pool.rawValue)]
            gauges.append(ScrapeGauge("workflow_pool_queued", "Tasks a fetch could lease now, per worker pool", labels, Double(pool.queued)))
            gauges.append(ScrapeGauge("workflow_pool_in_flight", "Tasks leased and not yet reported, per worker pool", labels, Double(pool.inFlight)))
        }
        for pool in try await engine.slotPools() {
            let labels = [("slot_pool", pool.name)]
            gauges.append(ScrapeGauge("workflow_slot_pool_used", "Slots held by leased tasks", labels, Double(pool.occupiedSlots)))
            gauges.append(ScrapeGauge("workflow_slot_pool_capacity", "Slots of the pool", labels, Double(pool.slots)))
        }
        var incidents: [String: Int] = ["failedExternalTask": 0, "failedExpression": 0]
        for incident in try await engine.store.incidents() { incidents[incident.type, default: 0] += 1 }
        for (type, count) in incidents {
            gauges.append(ScrapeGauge("workflow_incidents_open", "Open incidents, by type", [("type", type)], Double(count)))
        }
        gauges += await extraGauges()
        publish(gauges)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    private func publish(_ gauges: [ScrapeGauge]) {
        previous.withLock { previous in
            var current: [String: Gauge] = [:]
            for gauge in gauges {
                let made = registry.makeGauge(name: gauge.name, labels: gauge.labels, help: gauge.help)
                made.set(gauge.value)
                current[gauge.key] = made
            }
            for (key, gone) in previous where current[key] == nil { registry.unregisterGauge(gone) }
            previous = current
        }
    }
}

/// One gauge value set at scrape time.
public struct ScrapeGauge: Sendable {
    public let name: String
    public let help: String
    public let labels: [(String, String)]
    public let value: Double

    public init(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Double) {
        self.name = name
        self.help = help
        self.labels = labels
        self.value = value
    }

    var key: String { name + labels.map { "|\($0.0)=\($0.1)" }.joined() }
}
