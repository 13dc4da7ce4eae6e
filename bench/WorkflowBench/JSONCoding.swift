// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workers
import Workflow

/// `--only json`: the engine's JSON reader and writer (`ExpressionValue`), which read every REST request body and
/// write every response (a worker reads fetch responses and writes completes with them), beside Foundation's
/// `JSONSerialization` on the same document in the same run. The document is a fetch-and-lock response of 16 tasks
/// with three variables each, as `workflow serve` writes it.
func benchJSONCoding(rounds: Int = 20_000) throws {
    let task: ExpressionValue = [
        "activityId": "Task_Bench", "activityInstanceId": "Task_Bench:atJcy77gkDFA9BR", "businessKey": .null,
        "createTime": "2026-12-01T23:13:41.423+0000", "errorDetails": .null, "errorMessage": .null,
        "executionId": "brQop5tmZI1A9BR", "extensionProperties": [:], "id": "ZvCR78Lav87A9BR",
        "lockExpirationTime": "2026-12-01T23:14:41.423+0000", "priority": 0, "processDefinitionId": "one_task:1:c57la2TpTw9A9BR",
        "processDefinitionKey": "one_task", "processDefinitionVersionTag": .null, "processInstanceId": "cpY0g4fsON7A9BR",
        "retries": .null, "suspended": false, "tenantId": .null, "topicName": "bench", "workerId": "swift-0",
        "variables": [
            "amount": ["type": "Double", "value": 1234.5, "valueInfo": [:]],
            "customer": ["type": "String", "value": "ACME \"Ltd\"\nLondon", "valueInfo": [:]],
            "count": ["type": "Integer", "value": 7, "valueInfo": [:]],
        ],
    ]
    let document = ExpressionValue.array(Array(repeating: task, count: 16))
    let bytes = document.jsonBytes
    let data = Data(bytes)
    func measure(_ name: String, rounds: Int = rounds, _ body: () throws -> Void) rethrows {
        let began = ContinuousClock.now
        for _ in 0..<rounds { try body() }
        let seconds = (ContinuousClock.now - began).seconds
        let megabytes = Double(bytes.count * rounds) / 1_000_000
        print("json \(name): bytes=\(bytes.count) rounds=\(rounds) seconds=\(fmt(seconds, 3)) MB/s=\(fmt(megabytes / seconds, 1))")
    }
    let parsed = try ExpressionValue.parseJSON(bytes)
    precondition(parsed == document, "the reader gives the written document back")
    try measure("read ExpressionValue.parseJSON") { _ = try ExpressionValue.parseJSON(bytes) }
    try measure("read JSONSerialization (peer)") { _ = try JSONSerialization.jsonObject(with: data) }
    let object = try JSONSerialization.jsonObject(with: data)
    measure("write ExpressionValue.jsonBytes") { _ = document.jsonBytes }
    // Sorted keys, as the engine writes them; about 70 times slower than the engine here, so fewer rounds.
    try measure("write JSONSerialization sortedKeys (peer)", rounds: rounds / 50) {
        _ = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}

/// `--only json` too: the store's records (a locked task and its instance with a few variables, as the Redis store
/// keeps them) decoded by the store's `RecordDecoder` beside `JSONDecoder`, and encoded by `RecordEncoder` beside
/// `JSONEncoder`, in the same run.
func benchRecordDecoding(rounds: Int = 50_000) async throws {
    let (engine, process) = try await oneTaskEngine()
    let variables: [String: VariableValue] = [
        "amount": .double(1234.5), "customer": .string("ACME Ltd"), "count": .integer(7),
        "order": .json(["lines": [["sku": "A-1", "qty": 2]], "rush": true]),
    ]
    _ = try await engine.startProcessInstance(process, businessKey: "order-1", variables: variables)
    let request = FetchRequest(workerID: "w", maxTasks: 1, usePriority: false,
                               topics: [.init(topicName: "bench", lockDuration: 600_000)])
    guard let locked = try await engine.fetchAndLock(request).first,
          let instance = try await engine.store.instance(locked.task.processInstanceID)
    else { fatalError("the one-task process did not give a task") }
    /// Each way of doing one record's work, `rounds` times, in turn.
    func perRecord(_ label: String, bytes: Int, _ ways: [(String, () throws -> Void)]) throws {
        for (name, work) in ways {
            let began = ContinuousClock.now
            for _ in 0..<rounds { try work() }
            let seconds = (ContinuousClock.now - began).seconds
            print("record \(label) \(name): bytes=\(bytes) rounds=\(rounds) µs/record=\(fmt(seconds * 1e6 / Double(rounds), 2))")
        }
    }
    func measure<Value: Codable & Equatable>(_ value: Value) throws {
        // The bytes the store keeps (`RecordEncoder`'s, members in encoding order), which both decoders read.
        let bytes = try RecordEncoder.encode(value)
        let decoded = try RecordDecoder.decode(Value.self, from: bytes)
        precondition(decoded == value, "RecordDecoder gives the record back")
        try perRecord("decode \(Value.self)", bytes: bytes.count, [
            ("RecordDecoder", { _ = try RecordDecoder.decode(Value.self, from: bytes) }),
            ("JSONDecoder (peer)", { _ = try JSONDecoder().decode(Value.self, from: Data(bytes)) }),
        ])
        let ours = try RecordEncoder.encode(value)
        let back = try JSONDecoder().decode(Value.self, from: Data(ours))
        precondition(back == value, "JSONDecoder reads RecordEncoder's JSON back")
        try perRecord("encode \(Value.self)", bytes: ours.count, [
            ("RecordEncoder", { _ = try RecordEncoder.encode(value) }),
            ("JSONEncoder (peer)", { _ = try JSONEncoder().encode(value) }),
        ])
    }
    try measure(locked.task)
    try measure(instance)
}
