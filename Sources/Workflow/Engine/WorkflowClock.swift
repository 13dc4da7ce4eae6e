// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// The engine's source of time, injected so timers can be tested without waiting.
public protocol WorkflowClock: Sendable {
    func now() -> Date
}

/// Wall-clock time.
public struct SystemClock: WorkflowClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to; for tests.
public final class ManualClock: WorkflowClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) { current.withLock { $0.addTimeInterval(seconds) } }
}
