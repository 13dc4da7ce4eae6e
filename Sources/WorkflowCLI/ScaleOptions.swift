// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BPMN
import Foundation
import Scaler
import Workers
import Workflow

/// The scaler's per-pool policies: `--scale-pool POOL=TASKS_PER_REPLICA[:MIN[:MAX]]`, shared by `serve` and `scale`.
struct ScaleOptions: ParsableArguments {
    @Option(name: .customLong("scale-pool"), parsing: .singleValue,
            help: "POOL=TASKS_PER_REPLICA[:MIN[:MAX]]: a pool's per-replica capacity and bounds (repeatable; also WORKFLOW_SCALE_POOLS, comma-separated). Pools not named use the worker runtime's default concurrency on 2 cores, 0 to 10 replicas.")
    var scalePools: [String] = []
    @Option(help: "Seconds a lower recommendation must persist before a pool scales down (the HPA's scale-down stabilisation).")
    var scaleDownWindow: Double = 300
    @Option(help: "Seconds between scaler rounds.") var scaleInterval: Double = 15

    func configuration() throws -> Scaler.Configuration {
        var pools: [WorkerPoolType: ScalingPolicy] = [:]
        for pool in WorkerPoolType.allCases {
            pools[pool] = ScalingPolicy(tasksPerReplica: WorkerConfiguration.defaultConcurrency(for: pool, cores: 2), maxReplicas: 10)
        }
        let fromEnvironment = (ProcessInfo.processInfo.environment["WORKFLOW_SCALE_POOLS"] ?? "").split(separator: ",").map(String.init)
        for entry in fromEnvironment + scalePools where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = parts.count == 2 ? parts[1].split(separator: ":").map { Int($0) } : []
            guard parts.count == 2, let pool = WorkerPoolType(lenient: parts[0]), (1...3).contains(numbers.count),
                  numbers.allSatisfy({ ($0 ?? -1) >= 0 }), let perReplica = numbers[0], perReplica > 0
            else {
                throw ValidationError("--scale-pool '\(entry)': expected POOL=TASKS_PER_REPLICA[:MIN[:MAX]], e.g. IO=32:1:20")
            }
            let minimum = numbers.count > 1 ? numbers[1]! : 0
            let maximum = numbers.count > 2 ? numbers[2]! : max(10, minimum)
            guard maximum >= minimum else { throw ValidationError("--scale-pool '\(entry)': MAX is below MIN") }
            pools[pool] = ScalingPolicy(tasksPerReplica: perReplica, minReplicas: minimum, maxReplicas: maximum)
        }
        guard scaleDownWindow >= 0, scaleInterval > 0 else {
            throw ValidationError("--scale-down-window must not be negative and --scale-interval must be above 0")
        }
        return Scaler.Configuration(pools: pools, stabilizationWindow: .milliseconds(Int64(scaleDownWindow * 1000)))
    }
}

extension Recommendation {
    /// The JSON of `GET /scaler/recommendations` and `workflow scale`.
    var json: ExpressionValue {
        .object([
            "pool": .string(pool.rawValue), "queued": .int(Int64(queued)), "inFlight": .int(Int64(inFlight)),
            "currentReplicas": .int(Int64(currentReplicas)), "desiredReplicas": .int(Int64(desiredReplicas)),
            "recommendedNow": .int(Int64(recommendedNow)), "tasksPerReplica": .int(Int64(policy.tasksPerReplica)),
            "minReplicas": .int(Int64(policy.minReplicas)), "maxReplicas": .int(Int64(policy.maxReplicas)),
            "utilisation": utilisation.isFinite ? .double((utilisation * 1000).rounded() / 1000) : .null,
        ])
    }

    /// The `workflow_scaler_*` gauges of one pool.
    var gauges: [ScrapeGaugeValue] {
        let labels = [("pool", pool.rawValue)]
        return [
            ("workflow_scaler_desired_replicas", "Replicas the scaler wants for the worker pool", labels, Double(desiredReplicas)),
            ("workflow_scaler_current_replicas", "Worker processes that fetched the pool's topics in the last minute", labels,
             Double(currentReplicas)),
            ("workflow_scaler_capacity", "Tasks the pool's current replicas run at once (replicas x tasks per replica)", labels,
             Double(currentReplicas * policy.tasksPerReplica)),
            ("workflow_scaler_tasks_per_replica", "Tasks one replica of the pool runs at once", labels, Double(policy.tasksPerReplica)),
        ]
    }
}

typealias ScrapeGaugeValue = (name: String, help: String, labels: [(String, String)], value: Double)
