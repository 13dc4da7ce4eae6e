// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workflow

/// A task's packed fields read back exactly what was set (nil included), and its JSON round trip is lossless.
struct ExternalTaskTests {
    func task() -> ExternalTask {
        ExternalTask(
            id: "t1", topicName: "charge", processInstanceID: "p1", processDefinitionID: "order:1:x",
            processDefinitionKey: "order", processDefinitionVersionTag: "v2", activityID: "Charge",
            activityInstanceID: "Charge:a1", executionID: "e1", businessKey: "b", tenantID: nil,
            createTime: Date(timeIntervalSince1970: 1_700_000_000.123), priority: 7, retries: nil,
            extensionProperties: ["workerPool": "IO_INTENSIVE"], workerPool: .ioIntensive, slotPool: "etl_pool", slots: 2)
    }

    @Test func optionalsAndErrorTextsReadBackAsSet() throws {
        var task = task()
        #expect(task.retries == nil && task.failures == nil && task.lockExpirationTime == nil)
        #expect(task.errorMessage == nil && task.errorDetails == nil)
        task.retries = 0
        task.failures = 3
        task.errorMessage = "boom"
        #expect(task.retries == 0, "zero is not null")
        #expect(task.failures == 3 && task.errorMessage == "boom" && task.errorDetails == nil)
        task.errorDetails = "stack"
        task.errorMessage = nil
        #expect(task.errorMessage == nil && task.errorDetails == "stack")
        let expiry = Date(timeIntervalSince1970: 1_700_000_123.456)
        task.lock(for: "w", until: expiry)
        #expect(task.lockExpirationTime == expiry && task.workerID == "w" && task.version == 1)
        task.lockExpirationTime = nil
        task.retries = nil
        #expect(task.lockExpirationTime == nil && task.retries == nil)

        task.retries = 5
        task.lockExpirationTime = expiry
        task.errorMessage = "again"
        let decoded = try JSONDecoder().decode(ExternalTask.self, from: JSONEncoder().encode(task))
        #expect(decoded == task)
        #expect(decoded.retries == 5 && decoded.errorMessage == "again" && decoded.errorDetails == "stack")
        #expect(decoded.slotPool == "etl_pool" && decoded.extensionProperties == ["workerPool": "IO_INTENSIVE"])
        let fresh = try JSONDecoder().decode(ExternalTask.self, from: JSONEncoder().encode(self.task()))
        #expect(fresh.retries == nil && fresh.lockExpirationTime == nil && fresh.errorMessage == nil)
    }
}
