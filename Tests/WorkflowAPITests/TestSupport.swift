// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// Inline BPMN models the API tests deploy.
enum Fixtures {
    /// start -> StepA (topic.a, priority 7, extension property kind=first) -> StepB (topic.b) -> end.
    static func twoSteps(name: String = "Two steps") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
        xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_two" targetNamespace="http://example.com">
          <bpmn:process id="two_steps" name="\(name)" isExecutable="true" camunda:versionTag="v1" camunda:historyTimeToLive="30">
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:serviceTask id="StepA" name="Step A" camunda:type="external" camunda:topic="topic.a" camunda:taskPriority="7">
              <bpmn:extensionElements>
                <camunda:properties><camunda:property name="kind" value="first" /></camunda:properties>
              </bpmn:extensionElements>
              <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
            </bpmn:serviceTask>
            <bpmn:serviceTask id="StepB" name="Step B" camunda:type="external" camunda:topic="topic.b">
              <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
            </bpmn:serviceTask>
            <bpmn:endEvent id="End"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="StepA" />
            <bpmn:sequenceFlow id="F2" sourceRef="StepA" targetRef="StepB" />
            <bpmn:sequenceFlow id="F3" sourceRef="StepB" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """
    }

    /// start -> message catch "Paid" -> end. No external task.
    static let awaitPayment = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_msg" \
        targetNamespace="http://example.com">
          <bpmn:message id="Msg_Paid" name="Paid" />
          <bpmn:process id="await_payment" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:intermediateCatchEvent id="WaitPaid"><bpmn:messageEventDefinition messageRef="Msg_Paid" /></bpmn:intermediateCatchEvent>
            <bpmn:endEvent id="End" />
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="WaitPaid" />
            <bpmn:sequenceFlow id="F2" sourceRef="WaitPaid" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """

    /// The ManualClock's default start, as the API writes it.
    static let startDate = "2026-01-01T00:00:00.000+0000"
    /// Camunda's date format: `yyyy-MM-dd'T'HH:mm:ss.SSS+HHMM`, never `Z`, never a colon in the offset.
    static let datePattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$"#
}

/// An engine on an in-memory store with the given BPMN deployed, and the REST API over it.
struct APIHarness: Sendable {
    let engine: Engine

    /// - Parameters:
    ///   - clock: a `ManualClock` for deterministic dates and lock expiry; `SystemClock()` for long polling.
    ///   - resources: file name -> BPMN XML, deployed before the test (none when empty).
    init(clock: any WorkflowClock = ManualClock(),
         resources: [String: String] = ["two-steps.bpmn": Fixtures.twoSteps()]) async throws {
        engine = Engine(store: MemoryWorkflowStore(), clock: clock)
        if !resources.isEmpty {
            _ = try await engine.deploy(
                name: "fixtures",
                resources: resources.map { Engine.Resource(name: $0.key, bytes: Array($0.value.utf8)) })
        }
    }

    func run(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(engine: engine))
        try await app.test(.router, test)
    }
}

extension TestClientProtocol {
    /// A request under `/engine-rest`; a non-nil body is sent as `application/json`.
    func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) async throws -> TestResponse {
        let headers: HTTPFields = body == nil ? [:] : [.contentType: "application/json"]
        return try await execute(
            uri: "/engine-rest" + path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Starts an instance of `key` and returns its id.
    func start(_ key: String = "two_steps", _ body: String = "{}") async throws -> String {
        let response = try await call(.post, "/process-definition/key/\(key)/start", body)
        #expect(response.status == .ok)
        return try #require(try response.json()["id"]?.stringValue)
    }

    /// fetchAndLock for one topic; returns the locked tasks.
    func fetch(
        _ topic: String, worker: String = "w1", maxTasks: Int = 10, lockDuration: Int = 10_000, extra: String = ""
    ) async throws -> [ExpressionValue] {
        let body = """
            {"workerId":"\(worker)","maxTasks":\(maxTasks),"topics":[{"topicName":"\(topic)",\
            "lockDuration":\(lockDuration)\(extra)}]}
            """
        let response = try await call(.post, "/external-task/fetchAndLock", body)
        #expect(response.status == .ok)
        return try #require(try response.json().arrayValue)
    }
}

extension TestResponse {
    /// The body parsed as JSON.
    func json() throws -> ExpressionValue { try ExpressionValue.parseJSON(Array(body.readableBytesView)) }

    /// Asserts a Camunda error body `{type, message, code}` with this status and type; returns the message.
    @discardableResult
    func expectError(
        _ status: HTTPResponse.Status, type: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        #expect(self.status == status, sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        let body = try json()
        #expect(body["type"] == .string(type), sourceLocation: sourceLocation)
        #expect(body["code"] != nil, "the code key is always present", sourceLocation: sourceLocation)
        return try #require(body["message"]?.stringValue, sourceLocation: sourceLocation)
    }
}

extension ExpressionValue {
    /// An object member (nil when absent, `.null` when present and null).
    subscript(_ key: String) -> ExpressionValue? { objectValue?[key] }

    /// An array element.
    subscript(_ index: Int) -> ExpressionValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }

    /// The member names of an object.
    var keys: Set<String> { Set(objectValue?.keys.map { $0 } ?? []) }
}

/// A VariableValueDto with empty valueInfo.
func dto(_ type: String, _ value: ExpressionValue) -> ExpressionValue {
    .object(["type": .string(type), "value": value, "valueInfo": .object([:])])
}

/// True when the text is a date in Camunda's REST format.
func isCamundaDate(_ value: ExpressionValue?) -> Bool {
    guard let text = value?.stringValue else { return false }
    return text.range(of: Fixtures.datePattern, options: .regularExpression) != nil
}
