// SPDX-License-Identifier: Apache-2.0

/// The eight scheduling levels an external task is queued at, highest first.
///
/// Mapped from `camunda:taskPriority`: the bands below are inclusive lower bounds. FIFO within a level.
public enum PriorityLevel: Int, Sendable, CaseIterable, Comparable {
    /// ≥ 1000: outages and pages; target start within 1 s.
    case emergency = 0
    /// 500...999: user-facing and blocking; target 5 s.
    case critical
    /// 200...499: interactive; target 30 s.
    case high
    /// 100...199: elevated business work; target 2 min.
    case elevated
    /// 0...99: the default (Camunda's default priority is 0); target 10 min.
    case normal
    /// -99...-1: deferrable; target 1 h.
    case low
    /// -999...-100: bulk and batch; target 6 h.
    case bulk
    /// ≤ -1000: housekeeping; target 24 h.
    case maintenance

    /// The level of a Camunda task priority.
    public init(taskPriority: Int64) {
        switch taskPriority {
        case 1000...: self = .emergency
        case 500..<1000: self = .critical
        case 200..<500: self = .high
        case 100..<200: self = .elevated
        case 0..<100: self = .normal
        case -99 ..< 0: self = .low
        case -999 ..< -99: self = .bulk
        default: self = .maintenance
        }
    }

    /// Seconds within which a task of this level should be started.
    public var deadlineSeconds: Int {
        [1, 5, 30, 120, 600, 3600, 21600, 86400][rawValue]
    }

    /// The name in metrics and documentation: `EMERGENCY` … `MAINTENANCE`.
    public var name: String {
        ["EMERGENCY", "CRITICAL", "HIGH", "ELEVATED", "NORMAL", "LOW", "BULK", "MAINTENANCE"][rawValue]
    }

    /// The task priorities of the level, as an inclusive range.
    public var priorities: ClosedRange<Int64> {
        [1000...Int64.max, 500...999, 200...499, 100...199, 0...99, -99...(-1), -999...(-100), Int64.min...(-1000)][rawValue]
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
