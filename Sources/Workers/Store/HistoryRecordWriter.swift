// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// The history records every step writes, as the same bytes `RecordEncoder` writes for them, written straight:
/// an activity record through `Codable` made a node per member and took 6 % of `workflow serve`'s CPU in the REST
/// benchmark (each completed task writes one). `HistoryRecordWriterTests` holds the outputs equal.
enum HistoryRecordWriter {
    static func json(_ activity: HistoricActivityInstance) -> String {
        var writer = Writer()
        writer.string("id", activity.id)
        writer.string("activityID", activity.activityID)
        writer.string("activityName", activity.activityName)
        writer.string("activityType", activity.activityType)
        writer.string("processInstanceID", activity.processInstanceID)
        writer.string("processDefinitionID", activity.processDefinitionID)
        writer.string("processDefinitionKey", activity.processDefinitionKey)
        writer.string("executionID", activity.executionID)
        writer.string("parentActivityInstanceID", activity.parentActivityInstanceID)
        writer.date("startTime", activity.startTime)
        writer.value("sequence", .int(activity.sequence))
        writer.date("endTime", activity.endTime)
        writer.value("canceled", .bool(activity.canceled))
        writer.string("taskID", activity.taskID)
        writer.string("calledProcessInstanceID", activity.calledProcessInstanceID)
        return writer.finish()
    }

    static func json(_ end: RedisWorkflowStore.HistoricEnd) -> String {
        var writer = Writer()
        writer.string("state", end.state?.rawValue)
        writer.date("endTime", end.endTime)
        if let variables = end.finalVariables {
            // Variables are few and of many kinds: written as `Codable` writes them.
            writer.raw("finalVariables", variables.isEmpty ? Array("{}".utf8) : (try? RecordEncoder.encode(variables)))
        }
        return writer.finish()
    }

    /// One flat object; absent optionals are left out, as `encodeIfPresent` leaves them out.
    private struct Writer {
        private var out: [UInt8] = [UInt8(ascii: "{")]

        init() { out.reserveCapacity(512) }

        private mutating func key(_ name: StaticString) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\":".utf8)
        }

        mutating func string(_ name: StaticString, _ text: String?) {
            guard let text else { return }
            key(name)
            ExpressionValue.writeJSONString(text, into: &out)
        }

        /// `Date`'s own encoding: seconds since 2001 as a number.
        mutating func date(_ name: StaticString, _ date: Date?) {
            guard let date else { return }
            value(name, .double(date.timeIntervalSinceReferenceDate))
        }

        mutating func value(_ name: StaticString, _ value: ExpressionValue) {
            key(name)
            value.writeJSON(into: &out)
        }

        mutating func raw(_ name: StaticString, _ json: [UInt8]?) {
            guard let json else { return }
            key(name)
            out += json
        }

        consuming func finish() -> String {
            out.append(UInt8(ascii: "}"))
            return String(decoding: out, as: UTF8.self)
        }
    }
}
