// SPDX-License-Identifier: Apache-2.0
import BPMN
import Workflow

/// The fetch-and-lock answer (`LockedExternalTaskDto`s) written straight to bytes, compact with keys sorted as
/// `ExpressionValue` writes objects: `DTO.externalTask`'s fields plus `errorDetails`, `variables` and
/// `extensionProperties`. Building a dictionary of 21 members per task and sorting its keys was about 7 % of
/// `workflow serve`'s CPU in the REST benchmark, where every task goes out through here. `LockedTaskWriterTests`
/// holds the output equal to that dictionary's JSON.
enum LockedTaskWriter {
    static func write(_ tasks: [Engine.LockedTask], extensionTopics: Set<String>, deserializeTopics: Set<String>) -> [UInt8] {
        var object = ObjectWriter()
        object.out.reserveCapacity(2 + tasks.count * 1024)
        object.out.append(UInt8(ascii: "["))
        for (index, locked) in tasks.enumerated() {
            if index > 0 { object.out.append(UInt8(ascii: ",")) }
            object.write(locked, extensionProperties: extensionTopics.contains(locked.task.topicName),
                         deserialize: deserializeTopics.contains(locked.task.topicName))
        }
        object.out.append(UInt8(ascii: "]"))
        return object.out
    }

    /// Members written in sorted key order: the caller names them in that order.
    private struct ObjectWriter {
        var out: [UInt8] = []
        private var first = true

        mutating func write(_ locked: Engine.LockedTask, extensionProperties: Bool, deserialize: Bool) {
            let task = locked.task
            out.append(UInt8(ascii: "{"))
            first = true
            string("activityId", task.activityID)
            string("activityInstanceId", task.activityInstanceID)
            string("businessKey", task.businessKey)
            string("createTime", CamundaDate.format(task.createTime))
            string("errorDetails", task.errorDetails)
            string("errorMessage", task.errorMessage)
            string("executionId", task.executionID)
            json("extensionProperties", extensionProperties ? .object(task.extensionProperties.mapValues { .string($0) }) : .object([:]))
            string("id", task.id)
            string("lockExpirationTime", task.lockExpirationTime.map(CamundaDate.format))
            json("priority", .int(task.priority))
            string("processDefinitionId", task.processDefinitionID)
            string("processDefinitionKey", task.processDefinitionKey)
            string("processDefinitionVersionTag", task.processDefinitionVersionTag)
            string("processInstanceId", task.processInstanceID)
            json("retries", task.retries.map { .int(Int64($0)) } ?? .null)
            json("suspended", .bool(task.suspended))
            string("tenantId", task.tenantID)
            string("topicName", task.topicName)
            json("variables", VariableCodec.encode(locked.variables, deserialize: deserialize))
            string("workerId", task.workerID)
            out.append(UInt8(ascii: "}"))
        }

        private mutating func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\":".utf8)
        }

        private mutating func string(_ name: StaticString, _ value: String?) {
            key(name)
            if let value { ExpressionValue.writeJSONString(value, into: &out) } else { out.append(contentsOf: "null".utf8) }
        }

        private mutating func json(_ name: StaticString, _ value: ExpressionValue) {
            key(name)
            value.writeJSON(into: &out)
        }
    }
}
