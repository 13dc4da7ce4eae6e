// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

extension ProcessInstance {
    /// Variables visible from an execution: its local ones, then each scope up to the process.
    public func variables(visibleFrom executionID: String, localOnly: Bool = false) -> [String: VariableValue] {
        guard let token = tokens[executionID] else { return localOnly ? [:] : variables }
        if localOnly {
            if case .waitingScope(let scopeID) = token.state, let scope = scopes[scopeID] { return scope.variables }
            return token.local
        }
        if token.scopeID == id {
            // The common case: a token of the process scope.
            return token.local.isEmpty ? variables : variables.merging(token.local) { $1 }
        }
        var chain: [[String: VariableValue]] = []
        var current: String? = token.scopeID
        while let id = current, let scope = scopes[id] {
            chain.append(scope.variables)
            current = scope.parentID
        }
        var result: [String: VariableValue] = [:]
        for variables in chain.reversed() { result.merge(variables) { $1 } }
        return result.merging(token.local) { $1 }
    }
}

extension ProcessInstance {
    /// Whether decoding this instance's JSON gives this instance back exactly. Every field does (strings, integers,
    /// dates as doubles, which print exactly) but one: a JSON value's whole double (`1.0`, `-0.0`) is written as an
    /// integer and read back as one. A store may then keep the value it wrote instead of decoding it again.
    public var encodesLosslessly: Bool {
        scopes.values.allSatisfy { scope in
            scope.variables.values.allSatisfy(\.encodesLosslessly)
                && (scope.loop.map { loop in
                    (loop.items ?? []).allSatisfy(\.encodesLosslessly) && loop.outputs.values.allSatisfy(\.encodesLosslessly)
                } ?? true)
        } && tokens.values.allSatisfy { $0.local.values.allSatisfy(\.encodesLosslessly) }
    }
}

extension VariableValue {
    var encodesLosslessly: Bool {
        if case .json(let value) = self { value.encodesLosslessly } else { true }
    }
}

extension ExpressionValue {
    var encodesLosslessly: Bool {
        switch self {
        case .double(let value): Int64(exactly: value) == nil
        case .array(let values): values.allSatisfy(\.encodesLosslessly)
        case .object(let values): values.values.allSatisfy(\.encodesLosslessly)
        case .null, .bool, .int, .string: true
        }
    }
}
