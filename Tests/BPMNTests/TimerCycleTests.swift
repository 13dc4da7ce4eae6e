// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import BPMN

struct TimerCycleTests {
    @Test func parsesRepeatingIntervals() throws {
        #expect(try TimerCycle(parsing: "R3/PT10M") == TimerCycle(repetitions: 3, interval: ISODuration(minutes: 10)))
        #expect(try TimerCycle(parsing: "R/PT1H") == TimerCycle(repetitions: nil, interval: ISODuration(hours: 1)))
        #expect(try TimerCycle(parsing: "R/P1D") == TimerCycle(repetitions: nil, interval: ISODuration(days: 1)))
        #expect(try TimerCycle(parsing: "R5/2026-01-01T10:00:00Z/PT1H")
            == TimerCycle(repetitions: 5, start: timerUTC("2026-01-01T10:00:00Z"), interval: ISODuration(hours: 1)))
        #expect(try TimerCycle(parsing: "R2/PT1H/2026-02-01T00:00:00Z")
            == TimerCycle(repetitions: 2, interval: ISODuration(hours: 1), end: timerUTC("2026-02-01T00:00:00Z")))
        #expect(try TimerCycle(parsing: "R0/PT1M").repetitions == 0)
    }

    @Test(arguments: ["R3", "X3/PT1M", "Rx/PT1M", "R-1/PT1M", "R3/PT0S", "R3/PTX", "R/PT1H/2026-01-01/x",
                      "R/2026-02-30T00:00:00Z/PT1H", "R/2026-02-01T00:00:00Z/2026-03-01T00:00:00Z",
                      "R/2026-02-01T00:00:00Z/PT1H/2026-01-01T00:00:00Z", "R/PT1H/2025-01-01T00:00:00Z/"])
    func rejects(text: String) {
        #expect(throws: TimerParseError.self) { try TimerCycle(parsing: text) }
    }

    @Test func nestedDurationErrorKeepsDetail() {
        #expect(throws: TimerParseError(
            "invalid timer cycle 'R3/PTX': invalid ISO-8601 duration 'PTX': expected a number before 'X'")) {
            try TimerCycle(parsing: "R3/PTX")
        }
    }

    @Test func relativeCycleStopsAfterRepetitions() throws {
        let cycle = try TimerCycle(parsing: "R3/PT10M")
        let now = timerUTC("2026-01-01T10:00:00Z")
        let first = try #require(cycle.firstDue(after: now))
        #expect(first == timerUTC("2026-01-01T10:10:00Z"))
        let second = try #require(cycle.nextDue(after: first, firedCount: 1))
        #expect(second == timerUTC("2026-01-01T10:20:00Z"))
        let third = try #require(cycle.nextDue(after: second, firedCount: 2))
        #expect(third == timerUTC("2026-01-01T10:30:00Z"))
        #expect(cycle.nextDue(after: third, firedCount: 3) == nil)
        #expect(try TimerCycle(parsing: "R0/PT10M").firstDue(after: now) == nil)
        #expect(try TimerCycle(parsing: "R/PT1H").nextDue(after: now, firedCount: 10_000) == timerUTC("2026-01-01T11:00:00Z"))
    }

    @Test func anchoredCycleUsesGridAndSkipsPast() throws {
        let cycle = try TimerCycle(parsing: "R5/2026-01-01T10:00:00Z/PT1H")
        #expect(cycle.firstDue(after: timerUTC("2025-12-31T00:00:00Z")) == timerUTC("2026-01-01T10:00:00Z"))
        #expect(cycle.firstDue(after: timerUTC("2026-01-01T12:30:00Z")) == timerUTC("2026-01-01T13:00:00Z"))
        #expect(cycle.firstDue(after: timerUTC("2026-01-01T12:00:00Z")) == timerUTC("2026-01-01T12:00:00Z"))
        #expect(cycle.firstDue(after: timerUTC("2026-01-01T14:00:01Z")) == nil)
        #expect(cycle.nextDue(after: timerUTC("2026-01-01T10:00:00Z"), firedCount: 1) == timerUTC("2026-01-01T11:00:00Z"))
        #expect(cycle.nextDue(after: timerUTC("2026-01-01T13:00:00Z"), firedCount: 4) == timerUTC("2026-01-01T14:00:00Z"))
        #expect(cycle.nextDue(after: timerUTC("2026-01-01T14:00:00Z"), firedCount: 5) == nil)
        #expect(cycle.nextDue(after: timerUTC("2026-01-01T14:00:00Z"), firedCount: 2) == nil)
    }

    @Test func monthlyGridDoesNotDrift() throws {
        let cycle = try TimerCycle(parsing: "R/2026-01-31T00:00:00Z/P1M")
        let first = try #require(cycle.firstDue(after: timerUTC("2026-01-01T00:00:00Z")))
        #expect(first == timerUTC("2026-01-31T00:00:00Z"))
        let february = try #require(cycle.nextDue(after: first, firedCount: 1))
        #expect(february == timerUTC("2026-02-28T00:00:00Z"))
        let march = try #require(cycle.nextDue(after: february, firedCount: 2))
        #expect(march == timerUTC("2026-03-31T00:00:00Z"))
        #expect(cycle.nextDue(after: march, firedCount: 3) == timerUTC("2026-04-30T00:00:00Z"))
        #expect(cycle.firstDue(after: timerUTC("2030-06-15T00:00:00Z")) == timerUTC("2030-06-30T00:00:00Z"))
        let relative = try TimerCycle(parsing: "R/P1M")
        #expect(relative.nextDue(after: timerUTC("2026-02-28T00:00:00Z"), firedCount: 1) == timerUTC("2026-03-28T00:00:00Z"))
    }

    @Test func endDateBoundsFirings() throws {
        let cycle = try TimerCycle(parsing: "R/PT1H/2026-01-01T12:00:00Z")
        let first = try #require(cycle.firstDue(after: timerUTC("2026-01-01T10:30:00Z")))
        #expect(first == timerUTC("2026-01-01T11:30:00Z"))
        #expect(cycle.nextDue(after: first, firedCount: 1) == nil)
        #expect(cycle.nextDue(after: timerUTC("2026-01-01T11:00:00Z"), firedCount: 1) == timerUTC("2026-01-01T12:00:00Z"))
        #expect(cycle.firstDue(after: timerUTC("2026-01-01T11:30:00Z")) == nil)
    }

    @Test func secondsGridFindsIndexFarFromStart() throws {
        let cycle = try TimerCycle(parsing: "R/2000-01-01T00:00:00Z/PT1S")
        #expect(cycle.firstDue(after: timerUTC("2026-01-01T10:00:00.5Z")) == timerUTC("2026-01-01T10:00:01Z"))
        #expect(cycle.nextDue(after: timerUTC("2026-01-01T10:00:01Z"), firedCount: 1) == timerUTC("2026-01-01T10:00:02Z"))
    }
}
