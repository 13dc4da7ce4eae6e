// SPDX-License-Identifier: Apache-2.0
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
