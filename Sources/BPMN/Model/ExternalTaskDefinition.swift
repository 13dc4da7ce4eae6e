// SPDX-License-Identifier: Apache-2.0

/// How a service-like activity is handed to an external worker.
public struct ExternalTaskDefinition: Sendable, Hashable {
    /// The topic (`camunda:topic` or `zeebe:taskDefinition type`); an expression when it contains `${`.
    public let topic: Expression
    /// Priority (`camunda:taskPriority`): a constant or an expression.
    public let priority: Expression?
    /// Retries declared in the model (`zeebe:taskDefinition retries`); Camunda 7 tasks start with none (null).
    public let retries: Int?
    /// `<camunda:properties>` / `<zeebe:taskHeaders>`, in document order.
    public let properties: [ExtensionProperty]
    /// The worker pool type the task is scheduled on (property `workerPool`, default general purpose).
    public let workerPool: WorkerPoolType
    /// The slot pool the task holds slots of while leased (property `slotPool`), if any.
    public let slotPool: String?
    /// Slots the task holds in its slot pool (property `slots`, default 1).
    public let slots: Int
}

/// One `<camunda:property name value>`.
public struct ExtensionProperty: Sendable, Hashable, Codable {
    public let name: String
    public let value: String
}

/// The typed worker pools external tasks are scheduled onto.
public enum WorkerPoolType: String, Sendable, Hashable, Codable, CaseIterable {
    case cpuIntensive = "CPU_INTENSIVE"
    case ioIntensive = "IO_INTENSIVE"
    case memoryIntensive = "MEMORY_INTENSIVE"
    case networkIntensive = "NETWORK_INTENSIVE"
    case generalPurpose = "GENERAL_PURPOSE"

    /// Reads a pool type leniently: `CPU_INTENSIVE`, `cpu`, `io-intensive` and `GENERAL` all work.
    public init?(lenient text: String) {
        let normalised = text.uppercased().replacingOccurrences(of: "-", with: "_")
        switch normalised {
        case "CPU", "CPU_INTENSIVE": self = .cpuIntensive
        case "IO", "IO_INTENSIVE": self = .ioIntensive
        case "MEMORY", "MEMORY_INTENSIVE": self = .memoryIntensive
        case "NETWORK", "NETWORK_INTENSIVE": self = .networkIntensive
        case "GENERAL", "GENERAL_PURPOSE": self = .generalPurpose
        default: return nil
        }
    }
}
