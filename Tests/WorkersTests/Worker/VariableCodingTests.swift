// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import Workflow

@testable import Workers

struct VariableCodingTests {
    struct Order: Codable, Equatable {
        struct Line: Codable, Equatable { let sku: String; let quantity: Int }
        let id: String
        let amount: Double
        let express: Bool
        let placed: Date
        let lines: [Line]
        let note: String?
    }

    let placed = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func variablesDecodeIntoOneValue() throws {
        let task = WorkerTask(id: "t", topicName: "x", workerID: "w", processInstanceID: "p", variables: [
            "id": .string("o-1"), "amount": .long(12), "express": .boolean(true), "placed": .date(placed),
            "lines": .json([["sku": "a", "quantity": 2]]), "note": .null, "ignored": .string("extra"),
        ])
        let order = try task.decode(Order.self)
        #expect(order == Order(id: "o-1", amount: 12, express: true, placed: placed, lines: [.init(sku: "a", quantity: 2)], note: nil))
        #expect(try task.variable("amount", as: Int.self) == 12)
    }

    @Test func aMissingOrMistypedVariableIsNamed() {
        let task = WorkerTask(id: "t", topicName: "x", workerID: "w", processInstanceID: "p", variables: ["id": .integer(3)])
        #expect(throws: VariableCodingError.self) { try task.variable("amount", as: Double.self) }
        do {
            _ = try task.decode(Order.self)
            Issue.record("decoded")
        } catch {
            #expect("\(error)".contains("id") || "\(error)".contains("amount"))
        }
    }

    @Test func outputPropertiesBecomeTypedVariables() throws {
        let order = Order(id: "o-2", amount: 1.5, express: false, placed: placed, lines: [.init(sku: "b", quantity: 1)], note: nil)
        let variables = try VariableCoding.encode(order)
        #expect(variables["id"] == .string("o-2"))
        #expect(variables["amount"] == .double(1.5))
        #expect(variables["express"] == .boolean(false))
        #expect(variables["lines"] == .json([["sku": "b", "quantity": 1]]))
        #expect(variables["placed"] == .string(CamundaDate.format(placed)))
        #expect(try VariableCoding.encode(["big": Int64(1) << 40, "small": 7]) == ["big": .long(1 << 40), "small": .integer(7)])
        #expect(throws: VariableCodingError.self) { try VariableCoding.encode([1, 2]) }
    }

    @Test func camundaDTOsRoundTrip() {
        let values: [VariableValue] = [
            .string("a"), .integer(1), .short(2), .long(1 << 40), .double(0.5), .boolean(true), .date(placed),
            .json(["k": [1, 2]]), .xml("<a/>"), .null, .typedNull("String"), .bytes([1, 2, 3]),
            .object(serialized: "{}", objectTypeName: "java.util.HashMap", serializationDataFormat: "application/json"),
        ]
        for value in values { #expect(VariableValue(camundaDTO: value.camundaDTO()) == value) }
    }
}
