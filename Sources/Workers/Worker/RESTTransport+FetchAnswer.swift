// SPDX-License-Identifier: Apache-2.0
import BPMN
import Workflow

extension RESTTransport {
    /// The tasks of a fetch-and-lock answer (`LockedExternalTaskDto`s), read from a token tape of its bytes: only the
    /// fields the worker uses become values. Parsing the whole answer into dictionaries of 21 members per task was
    /// the worker's largest cost after the network in the REST benchmark. nil: the answer is not a JSON array.
    static func lockedTasks(_ bytes: [UInt8], workerID: String) -> [WorkerTask]? {
        guard let tape = try? JSONTape(bytes), tape[0].kind == .array else { return nil }
        return tape.children(0).compactMap { task(in: tape, $0.value, workerID: workerID) }
    }

    /// One task; nil without an id or a topic (not a task).
    private static func task(in tape: JSONTape, _ object: Int, workerID: String) -> WorkerTask? {
        guard tape[object].kind == .object else { return nil }
        func text(_ key: String) -> String? {
            guard let value = tape.member(object, key), tape[value].kind == .string else { return nil }
            return tape.string(value)
        }
        func number(_ key: String) -> Int64? { tape.member(object, key).flatMap(tape.wholeNumber) }
        guard let id = text("id"), let topic = text("topicName") else { return nil }
        var extensionProperties: [String: String] = [:]
        if let properties = tape.member(object, "extensionProperties"), tape[properties].kind == .object {
            for (key, value) in tape.children(properties) where tape[value].kind == .string {
                extensionProperties[tape.string(key)] = tape.string(value)
            }
        }
        var variables: [String: VariableValue] = [:]
        // Variables are read by the engine's JSON reader, as every other answer is (`2.0` stays a double).
        if let dtos = tape.member(object, "variables"), tape[dtos].kind == .object,
           case .object(let members)? = try? ExpressionValue.parseJSON(tape.raw(dtos)) {
            variables = members.mapValues(VariableValue.init(camundaDTO:))
        }
        return WorkerTask(
            id: id, topicName: topic, workerID: workerID, processInstanceID: text("processInstanceId") ?? "",
            processDefinitionKey: text("processDefinitionKey"), activityID: text("activityId"),
            businessKey: text("businessKey"), retries: number("retries").map(Int.init), priority: number("priority") ?? 0,
            lockExpirationTime: text("lockExpirationTime").flatMap(CamundaDate.parse),
            extensionProperties: extensionProperties, variables: variables)
    }
}
