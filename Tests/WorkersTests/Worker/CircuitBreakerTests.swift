// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Workers

struct CircuitBreakerTests {
    let t0 = ContinuousClock.now

    @Test func opensAfterConsecutiveFailuresOnly() {
        var breaker = CircuitBreaker(.init(failureThreshold: 3, openDuration: .seconds(10)))
        breaker.recordFailure(at: t0)
        breaker.recordFailure(at: t0)
        breaker.recordSuccess()
        breaker.recordFailure(at: t0)
        breaker.recordFailure(at: t0)
        #expect(breaker.permission(at: t0) == .fetch)
        breaker.recordFailure(at: t0)
        #expect(breaker.permission(at: t0 + .seconds(9)) == .wait(until: t0 + .seconds(10)))
    }

    @Test func halfOpenLetsOneProbeThroughAndItsOutcomeDecides() {
        var breaker = CircuitBreaker(.init(failureThreshold: 1, openDuration: .seconds(10)))
        breaker.recordFailure(at: t0)
        #expect(breaker.permission(at: t0 + .seconds(10)) == .probe)
        breaker.probeFetched(gotTask: false)
        #expect(breaker.permission(at: t0 + .seconds(11)) == .probe)
        breaker.probeFetched(gotTask: true)
        #expect(breaker.permission(at: t0 + .seconds(11)) == .wait(until: nil))
        breaker.recordFailure(at: t0 + .seconds(12))
        #expect(breaker.permission(at: t0 + .seconds(13)) == .wait(until: t0 + .seconds(22)))
        #expect(breaker.permission(at: t0 + .seconds(22)) == .probe)
        breaker.probeFetched(gotTask: true)
        breaker.recordSuccess()
        #expect(breaker.isClosed)
        #expect(breaker.permission(at: t0 + .seconds(22)) == .fetch)
    }

    @Test func lateOutcomesOfTasksFetchedBeforeTheOpeningChangeNothing() {
        var breaker = CircuitBreaker(.init(failureThreshold: 1, openDuration: .seconds(10)))
        breaker.recordFailure(at: t0)
        breaker.recordSuccess()
        breaker.recordFailure(at: t0 + .seconds(5))
        #expect(breaker.permission(at: t0 + .seconds(9)) == .wait(until: t0 + .seconds(10)))
    }
}

struct CircuitBreakerProbeTests {
    @Test func aProbeWithoutOutcomeLetsTheNextProbeThrough() {
        let t0 = ContinuousClock.now
        var breaker = CircuitBreaker(.init(failureThreshold: 1, openDuration: .seconds(1)))
        breaker.recordFailure(at: t0)
        #expect(breaker.permission(at: t0 + .seconds(1)) == .probe)
        breaker.probeFetched(gotTask: true)
        #expect(breaker.permission(at: t0 + .seconds(2)) == .wait(until: nil))
        breaker.probeAbandoned()  // its lock was lost, or the drain gave it back
        #expect(breaker.permission(at: t0 + .seconds(2)) == .probe)
    }
}
