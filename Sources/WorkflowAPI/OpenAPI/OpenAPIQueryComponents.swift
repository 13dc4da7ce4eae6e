// SPDX-License-Identifier: Apache-2.0
import BPMN

/// The JSON query bodies of the document (`POST /external-task`, `/process-instance`, `/history/process-instance`
/// and their counts): every member is optional; variable conditions are `{name, operator, value}` objects.
enum OpenAPIQueryComponents {
    private typealias S = Schema

    private static var sorting: ExpressionValue {
        S.nullable(S.array(S.object(["sortBy": S.string, "sortOrder": S.enumeration(["asc", "desc"])], strict: false)))
    }

    private static let conditions = S.nullable(S.array(S.ref("VariableQueryParameterDto")))

    static var schemas: [String: ExpressionValue] {
        [
            "VariableQueryParameterDto": S.object([
                "name": S.string, "operator": S.enumeration(VariableFilter.Operator.allCases.map(\.rawValue)),
                "value": S.any,
            ], strict: false),
            "ExternalTaskQueryDto": S.object(["sorting": sorting, "processVariables": conditions], strict: false),
            "ProcessInstanceQueryDto": S.object(["sorting": sorting, "variables": conditions], strict: false),
            "HistoricProcessInstanceQueryDto": S.object(["sorting": sorting, "variables": conditions], strict: false),
        ]
    }
}
