// SPDX-License-Identifier: Apache-2.0
import BPMN
import Hummingbird
import Workflow

/// `POST /message`: correlation to waiting executions and message start events.
struct MessageController<Context: RequestContext> {
    let engine: Engine

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("message", use: correlate)
    }

    @Sendable func correlate(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        guard let name = try body.string("messageName") else {
            throw WorkflowError(.invalidRequest, "No message name supplied")
        }
        let resultEnabled = try body.bool("resultEnabled") ?? false
        let variablesInResult = try body.bool("variablesInResultEnabled") ?? false
        if variablesInResult, !resultEnabled {
            throw WorkflowError(.invalidRequest, "Parameter 'variablesInResultEnabled' cannot be used without "
                + "'resultEnabled' set to true.")
        }
        if try body.string("tenantId") != nil, try body.bool("withoutTenantId") == true {
            throw WorkflowError(.invalidRequest, "Parameter 'tenantId' cannot be used together with parameter "
                + "'withoutTenantId'.")
        }
        var message = Engine.MessageCorrelation(name: name)
        message.businessKey = try body.string("businessKey")
        message.processInstanceID = try body.string("processInstanceId")
        message.tenantID = try body.string("tenantId")
        message.withoutTenantID = try body.bool("withoutTenantId") ?? false
        message.correlationKeys = try VariableCodec.decode(try body.object("correlationKeys"))
        message.localCorrelationKeys = try VariableCodec.decode(try body.object("localCorrelationKeys"))
        message.processVariables = try VariableCodec.decode(try body.object("processVariables"))
        message.processVariablesLocal = try VariableCodec.decode(try body.object("processVariablesLocal"))
        message.processVariablesToTriggeredScope = try VariableCodec.decode(try body.object("processVariablesToTriggeredScope"))
        message.all = try body.bool("all") ?? false
        let results = try await engine.correlate(message)
        guard resultEnabled else { return JSONResponse.noContent }
        return JSONResponse.make(.array(results.map { result in
            var dto: [String: ExpressionValue]
            let instance: ProcessInstance
            switch result {
            case .execution(let executionID, let target):
                instance = target
                dto = [
                    "resultType": .string("Execution"), "processInstance": .null,
                    "execution": .object([
                        "id": .string(executionID), "processInstanceId": .string(target.id),
                        "ended": .bool(target.isEnded), "tenantId": .null,
                    ]),
                ]
            case .processDefinition(let started):
                instance = started
                dto = [
                    "resultType": .string("ProcessDefinition"), "execution": .null,
                    "processInstance": .object(
                        DTO.processInstance(started, tenantID: engine.tenantID(ofDefinition: started.definitionID))),
                ]
            }
            if variablesInResult { dto["variables"] = VariableCodec.encode(instance.variables) }
            return .object(dto)
        }))
    }
}
