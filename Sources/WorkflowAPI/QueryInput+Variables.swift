// SPDX-License-Identifier: Apache-2.0
import BPMN
import Workflow

extension QueryInput {
    /// The variable conditions of a parameter: `name_op_value` entries (comma-separated or repeated) or, in a JSON
    /// query, a list of `{name, operator, value}` objects.
    /// - Throws: a 400 `InvalidRequestException` for a malformed condition.
    func variableFilters(_ parameter: String) throws -> [VariableFilter] {
        if let value = json[parameter] {
            guard case .array(let items) = value else {
                guard case .string(let text) = value else { throw invalid(parameter, value.jsonText) }
                return try text.split(separator: ",").map { try VariableFilter(parameter: String($0)) }
            }
            return try items.map { item in
                guard case .string(let text) = item else { return try VariableFilter(json: item) }
                return try VariableFilter(parameter: text)
            }
        }
        return try (list(parameter) ?? []).map { try VariableFilter(parameter: $0) }
    }

    /// True when the variables meet every condition of the parameter (and the `variableNamesIgnoreCase` /
    /// `variableValuesIgnoreCase` flags of the query).
    func matches(_ filters: [VariableFilter], _ variables: [String: VariableValue]) -> Bool {
        let names = bool("variableNamesIgnoreCase"), values = bool("variableValuesIgnoreCase")
        return filters.allSatisfy { $0.matches(variables, namesIgnoreCase: names, valuesIgnoreCase: values) }
    }
}
