// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ServiceLifecycle
import Testing
import Workers
import Workflow

@testable import ReferenceWorkers

/// The reference workers on the real models of processes/, through the worker runtime on a memory engine, with a
/// real SQLite file.
@Suite(.timeLimit(.minutes(1)))
struct ReferenceWorkersTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func engine() async throws -> Engine {
        let engine = Engine(store: MemoryWorkflowStore(), logger: quiet)
        var resources: [Engine.Resource] = []
        for name in ["etl-pipeline.bpmn", "order-fulfilment.bpmn"] {
            let bytes = try Data(contentsOf: Self.root.appendingPathComponent("processes/\(name)"))
            resources.append(.init(name: name, bytes: Array(bytes)))
        }
        _ = try await engine.deploy(name: "reference", resources: resources)
        return engine
    }

    /// Runs the workers until every started instance has ended, then drains them.
    func runUntilDone(_ engine: Engine, _ subscriptions: [TopicSubscription], instances: Int) async throws {
        let runtime = WorkerRuntime(transport: EngineTransport(engine: engine),
                                    configuration: .init(workerID: "reference-test", longPoll: 200),
                                    subscriptions: subscriptions, logger: quiet)
        let group = ServiceGroup(services: [runtime], logger: quiet)
        let running = Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await engine.store.historicProcessInstances().filter({ $0.endTime != nil }).count < instances {
            guard ContinuousClock.now < deadline else { Issue.record("instances did not end"); break }
            try await Task.sleep(for: .milliseconds(10))
        }
        await group.triggerGracefulShutdown()
        try await running.value
    }

    func activities(_ engine: Engine, _ instance: String) async throws -> [String] {
        try await engine.store.historicActivityInstances(processInstanceID: instance)
            .filter { $0.endTime != nil && !$0.canceled }.map(\.activityID)
    }

    @Test func theETLPipelineLoadsGoodBatchesAndQuarantinesBadOnes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("etl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let databasePath = folder.appendingPathComponent("etl.sqlite").path
        let engine = try await engine()
        let process = try engine.latestProcess(key: "etl_pipeline")
        var ids: [String: String] = [:]
        for batch in ["batch-ok", "batch-bad"] {
            ids[batch] = try await engine.startProcessInstance(process, businessKey: batch, variables: [
                "batchId": .string(batch),
                "source": .string(Self.root.appendingPathComponent("processes/data/\(batch).csv").path),
            ]).id
        }
        try await runUntilDone(engine, ETLWorkers(databasePath: databasePath).subscriptions, instances: 2)

        #expect(try await activities(engine, ids["batch-ok"]!).contains("EndEvent_BatchLoaded"))
        #expect(try await activities(engine, ids["batch-bad"]!).contains("EndEvent_BatchQuarantined"))
        let database = try ETLSteps.open(databasePath)
        let loaded = try database.execute("SELECT record_id, customer, amount_cents, currency FROM etl_records ORDER BY record_id")
        #expect(loaded == [
            [.text("1001"), .text("Acme Corp"), .integer(125_000), .text("EUR")],
            [.text("1002"), .text("Globex, Inc."), .integer(9_950), .text("USD")],
            [.text("1003"), .text("Initech"), .integer(99), .text("GBP")],
            [.text("1004"), .text("Umbrella"), .integer(4_200), .text("CHF")],
        ])
        let quarantined = try database.execute("SELECT count(*), min(reason) FROM etl_quarantine WHERE batch_id = 'batch-bad'")
        #expect(quarantined.first?.first == .integer(4))
        let reason = quarantined.first?.last?.text ?? ""
        for violation in ["1 records without customer", "1 records whose amount is not a number",
                          "1 records with a negative amount", "1 records in an unknown currency"] {
            #expect(reason.contains(violation), "\(reason)")
        }
        let variables = try await engine.historicVariableInstances()
        #expect(variables.contains { $0.processInstanceID == ids["batch-ok"] && $0.name == "duplicatesDropped" && $0.value == .integer(1) })
    }

    @Test func aMissingSourceFileIsAFailureNotABusinessError() async throws {
        #expect(throws: CSVTable.Failure.self) { try ETLSteps.extract(ExtractInput(batchId: "b", source: "/nonexistent/x.csv")) }
    }

    @Test func theOrderProcessShipsOrDeclines() async throws {
        let engine = try await engine()
        let process = try engine.latestProcess(key: "order_fulfilment")
        let shipped = try await engine.startProcessInstance(process, businessKey: "o-1", variables: [
            "orderId": .string("o-1"), "amount": .integer(1_500), "items": .json(["book"]),
        ]).id
        let overLimit = try await engine.startProcessInstance(process, businessKey: "o-2", variables: [
            "orderId": .string("o-2"), "amount": .integer(9_000),
        ]).id
        let badCard = try await engine.startProcessInstance(process, businessKey: "o-3", variables: [
            "orderId": .string("o-3"), "amount": .double(20.5), "card": .string("4000000000000002"),
        ]).id
        try await runUntilDone(engine, OrderWorkers().subscriptions, instances: 3)

        let path = try await activities(engine, shipped)
        for step in ["Task_FraudCheck", "Task_ChargePayment", "Task_ReserveInventory", "Task_CreateInvoice", "Task_ShipOrder",
                     "EndEvent_OrderShipped"] {
            #expect(path.contains(step), "\(path)")
        }
        for declined in [overLimit, badCard] {
            #expect(try await activities(engine, declined).contains("EndEvent_OrderDeclined"))
        }
        let variables = try await engine.historicVariableInstances()
        #expect(variables.contains { $0.processInstanceID == badCard && $0.name == "declineCode" && $0.value == .string("PAYMENT_DECLINED") })
        #expect(variables.contains { $0.processInstanceID == shipped && $0.name == "trackingNumber" })
    }

    @Test(arguments: [("12", 1200), ("12.5", 1250), ("-0.99", -99), ("0.05", 5)] as [(String, Int64)])
    func amountsParseIntoCents(text: String, cents: Int64) {
        #expect(ETLSteps.cents(text) == cents)
    }

    @Test(arguments: ["", "twelve", "1.234", "1.", ".5", "+3", "1e3", "١٢"])
    func otherAmountsAreNotNumbers(text: String) {
        #expect(ETLSteps.cents(text) == nil)
    }

    @Test func csvHandlesQuotesAndLineEnds() throws {
        let table = try CSVTable(parsing: "id,name\r\n1,\"Smith, \"\"J\"\"\"\r\n2,\"two\nlines\"\n", source: "t.csv")
        #expect(table.rows == [["id": "1", "name": "Smith, \"J\""], ["id": "2", "name": "two\nlines"]])
        #expect(throws: CSVTable.Failure.self) { try CSVTable(parsing: "a,b\n1\n", source: "t.csv") }
        #expect(throws: CSVTable.Failure.self) { try CSVTable(parsing: "a\n\"open\n", source: "t.csv") }
    }
}
