// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workers
@testable import Workflow

/// The worker reads a fetch-and-lock answer's tasks from a token tape: the fields it uses, as Camunda writes them.
struct FetchAnswerTests {
    static let answer = #"""
        [{"activityId":"Task_1","activityInstanceId":"Task_1:a","businessKey":"order-7","createTime":"2026-12-02T06:00:00.000+0000",
          "errorDetails":null,"errorMessage":null,"executionId":"e1","extensionProperties":{"slotPool":"etl_pool","n":3,"kind":"a\"b"},
          "id":"t1","lockExpirationTime":"2026-12-02T06:01:00.000+0000","priority":7,"processDefinitionId":"p:1:d",
          "processDefinitionKey":"p","processDefinitionVersionTag":null,"processInstanceId":"i1","retries":2.0,"suspended":false,
          "tenantId":null,"topicName":"work","variables":{"amount":{"type":"Double","value":2.0,"valueInfo":{}},
          "name":{"type":"String","value":"x\ny","valueInfo":{}}},"workerId":"w"},
         {"id":"t2","topicName":"other","retries":null,"variables":{},"extensionProperties":{}},
         {"topicName":"no id"}, 5]
        """#

    @Test func readsTheFieldsTheWorkerUses() throws {
        let tasks = try #require(RESTTransport.lockedTasks(Array(Self.answer.utf8), workerID: "me"))
        #expect(tasks.map(\.id) == ["t1", "t2"])
        let first = tasks[0]
        #expect(first.topicName == "work" && first.workerID == "me" && first.processInstanceID == "i1")
        #expect(first.processDefinitionKey == "p" && first.activityID == "Task_1" && first.businessKey == "order-7")
        #expect(first.retries == 2 && first.priority == 7)
        #expect(first.lockExpirationTime == CamundaDate.parse("2026-12-02T06:01:00.000+0000"))
        #expect(first.extensionProperties == ["slotPool": "etl_pool", "kind": "a\"b"])
        #expect(first.variables == ["amount": .double(2.0), "name": .string("x\ny")])
        let second = tasks[1]
        #expect(second.retries == nil && second.priority == 0 && second.businessKey == nil && second.processInstanceID == "")
        #expect(second.variables.isEmpty && second.extensionProperties.isEmpty && second.lockExpirationTime == nil)
    }

    @Test(arguments: ["{}", "null", "", "[1,", #"{"type":"x","message":"y"}"#])
    func anAnswerThatIsNotAnArrayIsRefused(_ text: String) {
        #expect(RESTTransport.lockedTasks(Array(text.utf8), workerID: "me") == nil)
    }

    @Test func anEmptyAnswerHasNoTasks() throws {
        #expect(try #require(RESTTransport.lockedTasks(Array(" [ ] ".utf8), workerID: "me")).isEmpty)
    }
}
