// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// VariableValueDto in and out: typed values, inference of untyped values, and rejected values.
struct VariableAPITests {
    /// Starts two_steps with the variables and `withVariablesInReturn`; returns the response.
    static func startReturningVariables(_ client: any TestClientProtocol, _ variables: String) async throws -> TestResponse {
        try await client.call(.post, "/process-definition/key/two_steps/start",
                              #"{"withVariablesInReturn":true,"variables":"# + variables + "}")
    }

    @Test func typedValuesOfEveryTypeRoundTrip() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let response = try await Self.startReturningVariables(client, """
                {"s":{"value":"x","type":"String"},"i":{"value":5,"type":"Integer"},"l":{"value":5,"type":"Long"},\
                "d":{"value":1.5,"type":"Double"},"b":{"value":true,"type":"Boolean"},\
                "dt":{"value":"2024-01-01T10:00:00.000+0100","type":"Date"},"j":{"value":"{\\"a\\":1}","type":"Json"},\
                "n":{"value":null,"type":"Null"},"sh":{"value":3,"type":"Short"},"by":{"value":"AQID","type":"Bytes"},\
                "lower":{"value":"7","type":"integer"},"x":{"value":"<a b=\\"1\\"/>","type":"Xml"},"sn":{"value":null,"type":"String"},"ln":{"value":null,"type":"long"}}
                """)
            #expect(response.status == .ok)
            let variables = try #require(try response.json()["variables"])
            #expect(variables["s"] == dto("String", "x"))
            #expect(variables["i"] == dto("Integer", 5))
            #expect(variables["l"] == dto("Long", 5))
            #expect(variables["d"] == dto("Double", 1.5))
            #expect(variables["b"] == dto("Boolean", true))
            #expect(variables["dt"] == dto("Date", "2024-01-01T09:00:00.000+0000"), "dates come back in UTC, +0000")
            #expect(variables["j"] == dto("Json", #"{"a":1}"#), "Json values are JSON strings")
            #expect(variables["n"] == dto("Null", .null))
            #expect(variables["sh"] == dto("Short", 3))
            #expect(variables["by"] == dto("Bytes", "AQID"))
            #expect(variables["lower"] == dto("Integer", 7), "lower-case type names (JS client) are accepted")
            #expect(variables["x"] == dto("Xml", #"<a b="1"/>"#), "Xml values are kept as their text")
            #expect(variables["sn"] == dto("String", .null) && variables["ln"] == dto("Long", .null), "a null keeps its type")
        }
    }

    @Test func transientVariablesAreNotStored() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start("two_steps", #"{"variables":{"t":{"value":"x","valueInfo":{"transient":true}},"p":{"value":1}}}"#)
            #expect(try await client.call(.get, "/process-instance/\(id)/variables").json() == .object(["p": dto("Integer", 1)]))
            let task = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let done = try await client.call(.post, "/external-task/\(task)/complete",
                                             #"{"workerId":"w1","variables":{"s":{"value":2,"type":"Integer","valueInfo":{"transient":true}}}}"#)
            #expect(done.status == .noContent)
            #expect(try await client.call(.get, "/process-instance/\(id)/variables").json() == .object(["p": dto("Integer", 1)]))
        }
    }

    @Test func untypedValuesAreInferred() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let response = try await Self.startReturningVariables(client, """
                {"int":{"value":42},"long":{"value":3000000000},"double":{"value":1.5},"object":{"value":{"a":1}},\
                "text":{"value":"t"},"flag":{"value":false},"none":{"value":null},"list":{"value":[1,2]},\
                "pycamunda":{"value":"p","type":null,"valueInfo":null}}
                """)
            #expect(response.status == .ok)
            let variables = try #require(try response.json()["variables"])
            #expect(variables["int"] == dto("Integer", 42))
            #expect(variables["long"] == dto("Long", 3_000_000_000))
            #expect(variables["double"] == dto("Double", 1.5))
            #expect(variables["object"] == dto("Json", #"{"a":1}"#), "objects become Json holding a JSON string")
            #expect(variables["list"]?["type"] == "Json")
            #expect(variables["text"] == dto("String", "t"))
            #expect(variables["flag"] == dto("Boolean", false))
            #expect(variables["none"] == dto("Null", .null))
            #expect(variables["pycamunda"] == dto("String", "p"), "explicit null type and valueInfo are ignored")
        }
    }

    @Test func variablesAreReadableOnTheInstance() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start("two_steps", #"{"variables":{"orderId":{"value":"o1"},"amount":{"value":12.5}}}"#)
            let all = try await client.call(.get, "/process-instance/\(id)/variables")
            #expect(all.status == .ok)
            #expect(try all.json() == .object(["orderId": dto("String", "o1"), "amount": dto("Double", 12.5)]))
            #expect(try await client.call(.get, "/process-instance/\(id)/variables/orderId").json() == dto("String", "o1"))
            let missing = try await client.call(.get, "/process-instance/\(id)/variables/nope")
            #expect(try missing.expectError(.notFound, type: "InvalidRequestException")
                == "process instance variable with name nope does not exist")
        }
    }

    @Test(arguments: [
        #"{"i":{"type":"Integer","value":"abc"}}"#,
        #"{"i":{"type":"Integer","value":3000000000}}"#,
        #"{"s":{"type":"Short","value":40000}}"#,
        #"{"b":{"type":"Boolean","value":"yes"}}"#,
        #"{"d":{"type":"Date","value":"yesterday"}}"#,
        #"{"by":{"type":"Bytes","value":"%%%"}}"#,
        #"{"j":{"type":"Json","value":"{not json"}}"#,
        #"{"o":{"type":"Object","value":{"a":1}}}"#,
        #"{"x":{"type":"STRING","value":"a"}}"#,
        #"{"x":{"type":"Weird","value":"a"}}"#,
        #"{"x":"not a dto"}"#,
    ])
    func badValuesAreRejectedAndStartNothing(_ variables: String) async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let response = try await client.call(.post, "/process-definition/key/two_steps/start", #"{"variables":"# + variables + "}")
            let message = try response.expectError(.badRequest, type: "InvalidRequestException")
            #expect(message.hasPrefix("Cannot instantiate process definition two_steps:1:"))
            #expect(try await client.call(.get, "/process-instance/count").json()["count"] == 0)
        }
    }

    @Test func completeAcceptsLocalAndTypedVariables() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start()
            let task = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let bad = try await client.call(.post, "/external-task/\(task)/complete",
                                            #"{"workerId":"w1","variables":{"n":{"type":"Long","value":"x"}}}"#)
            try bad.expectError(.badRequest, type: "InvalidRequestException")
            #expect(try await client.call(.post, "/external-task/\(task)/complete",
                                          #"{"workerId":"w1","variables":{"when":{"type":"date","value":"2024-05-01T12:00:00.000+0000"}}}"#)
                .status == .noContent)
            let variable = try await client.call(.get, "/process-instance/\(id)/variables/when").json()
            #expect(variable == dto("Date", "2024-05-01T12:00:00.000+0000"))
            #expect(isCamundaDate(variable["value"]))
        }
    }
}
