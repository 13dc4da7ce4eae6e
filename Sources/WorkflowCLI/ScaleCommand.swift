// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BPMN
import Foundation
import Scaler
import Workflow
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `workflow scale`: the scaler outside the engine. Reads every pool's load and workers from a running engine
/// (`GET /worker-pool`), applies the HPA formula with scale-down stabilisation, and prints one JSON line per pool
/// per round (what `GET /scaler/recommendations` of the engine answers too).
struct ScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Print desired worker replicas per pool from a running engine's queues.")

    @OptionGroup var connection: DeadLettersCommand.Connection
    @OptionGroup var scale: ScaleOptions
    @Flag(help: "One round, then exit (non-zero if the engine cannot be read).") var once = false
    @Option(help: "Use this replica count per pool instead of the workers the engine saw, e.g. IO=3,CPU=1.") var current: String?

    func validate() throws {
        _ = try scale.configuration()
        _ = try currentReplicas()
    }

    func currentReplicas() throws -> [WorkerPoolType: Int]? {
        guard let current else { return nil }
        var result: [WorkerPoolType: Int] = [:]
        for entry in current.split(separator: ",") {
            let parts = entry.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let pool = WorkerPoolType(lenient: parts[0]), let count = Int(parts[1]), count >= 0 else {
                throw ValidationError("--current '\(entry)': expected POOL=N")
            }
            result[pool] = count
        }
        return result
    }

    func run() async throws {
        let scaler = Scaler(try scale.configuration())
        let fixed = try currentReplicas()
        while true {
            do {
                let (status, data) = try await connection.send("GET", "/worker-pool")
                guard status == 200, case .array(let pools) = try ExpressionValue.parseJSON(Array(data)) else {
                    throw ValidationError("GET /worker-pool answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
                }
                var loads: [WorkerPoolType: PoolLoad] = [:], workers: [WorkerPoolType: Int] = [:]
                for entry in pools {
                    guard let fields = entry.objectValue, let pool = fields["pool"]?.stringValue.flatMap(WorkerPoolType.init(rawValue:))
                    else { continue }
                    loads[pool] = PoolLoad(queued: Int(fields["queued"]?.intValue ?? 0), inFlight: Int(fields["inFlight"]?.intValue ?? 0))
                    workers[pool] = Int(fields["workers"]?.intValue ?? 0)
                }
                for decision in scaler.recommend(loads: loads, current: fixed ?? workers) {
                    var line = decision.json
                    if case .object(var fields) = line {
                        fields["time"] = .string(CamundaDate.format(Date()))
                        line = .object(fields)
                    }
                    print(line.jsonText)
                }
            } catch {
                if once { throw error }
                FileHandle.standardError.write(Data("workflow scale: \(error)\n".utf8))
            }
            if once { return }
            try await Task.sleep(for: .milliseconds(Int64(scale.scaleInterval * 1000)))
        }
    }
}
