// SPDX-License-Identifier: Apache-2.0

/// A circuit breaker for one topic: after `failureThreshold` consecutive failures it opens and the worker stops
/// fetching the topic; after `openDuration` it lets one probe task through (half-open); the probe's success
/// closes it, its failure opens it again. BPMN errors are business outcomes and count as successes.
///
/// A plain state machine: the worker asks `permission(at:)` before a fetch and reports each outcome.
public struct CircuitBreaker: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var failureThreshold: Int
        public var openDuration: Duration

        public init(failureThreshold: Int = 5, openDuration: Duration = .seconds(30)) {
            self.failureThreshold = max(1, failureThreshold)
            self.openDuration = openDuration
        }
    }

    public enum State: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        case open(until: ContinuousClock.Instant)
        /// `probing`: the one probe task is out; no other fetch until it reports.
        case halfOpen(probing: Bool)
    }

    /// What the worker may fetch for the topic now.
    public enum Permission: Sendable, Hashable {
        case fetch
        /// One task, then report it.
        case probe
        /// Nothing before this instant (nil: until the probe in flight reports).
        case wait(until: ContinuousClock.Instant?)
    }

    public let configuration: Configuration
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(_ configuration: Configuration = .init()) { self.configuration = configuration }

    public mutating func permission(at now: ContinuousClock.Instant) -> Permission {
        switch state {
        case .closed: return .fetch
        case .open(let until):
            guard now >= until else { return .wait(until: until) }
            state = .halfOpen(probing: false)
            return .probe
        case .halfOpen(let probing): return probing ? .wait(until: nil) : .probe
        }
    }

    /// A probe fetch is on its way (`gotTask` false: it found nothing, so the breaker stays ready to probe).
    public mutating func probeFetched(gotTask: Bool) {
        if case .halfOpen = state { state = .halfOpen(probing: gotTask) }
    }

    /// The probe task ended without an outcome (its lock was lost, or the drain gave it back): probe again.
    public mutating func probeAbandoned() {
        if case .halfOpen(true) = state { state = .halfOpen(probing: false) }
    }

    /// A handler succeeded (completed, or reported a BPMN error).
    public mutating func recordSuccess() {
        switch state {
        case .closed, .halfOpen: state = .closed(consecutiveFailures: 0)
        case .open: break  // a task fetched before the breaker opened; the probe decides
        }
    }

    /// A handler failed (threw, or reported a failure).
    public mutating func recordFailure(at now: ContinuousClock.Instant) {
        switch state {
        case .closed(let failures):
            state = failures + 1 >= configuration.failureThreshold
                ? .open(until: now + configuration.openDuration) : .closed(consecutiveFailures: failures + 1)
        case .halfOpen: state = .open(until: now + configuration.openDuration)
        case .open: break
        }
    }

    public var isClosed: Bool { if case .closed = state { true } else { false } }
}
