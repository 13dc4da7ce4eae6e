// SPDX-License-Identifier: Apache-2.0
//
// BPMN: reads BPMN 2.0 XML (Camunda 7 and Camunda 8 dialects) into immutable, validated definitions.
// It knows nothing of tokens, stores, Redis or HTTP.

/// The XML namespaces this module understands.
public enum BPMNNamespace {
    /// BPMN 2.0 model namespace.
    public static let model = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    /// Camunda 7 extension namespace.
    public static let camunda = "http://camunda.org/schema/1.0/bpmn"
    /// Legacy Activiti namespace, accepted by Camunda 7 as an alias of `camunda`.
    public static let activiti = "http://activiti.org/bpmn"
    /// Camunda 8 (Zeebe) extension namespace.
    public static let zeebe = "http://camunda.org/schema/zeebe/1.0"
    /// XML Schema instance namespace (for `xsi:type` on expressions).
    public static let xsi = "http://www.w3.org/2001/XMLSchema-instance"

    static func isCamunda(_ href: String?) -> Bool { href == camunda || href == activiti }
}
