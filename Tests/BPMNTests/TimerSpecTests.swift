// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import BPMN

struct TimerSpecTests {
    @Test(arguments: [
        ("2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z"),
        ("2026-01-01T10:00:00+02:00", "2026-01-01T08:00:00Z"),
        ("2026-01-01T10:00:00-0530", "2026-01-01T15:30:00Z"),
        ("2026-01-01T10:00:00+01", "2026-01-01T09:00:00Z"),
        ("2026-01-01T10:00:00.250Z", "2026-01-01T10:00:00.250Z"),
        ("2026-01-01T10:00:00.250+00:00", "2026-01-01T10:00:00.250Z"),
        ("2026-01-01T10:00:00", "2026-01-01T10:00:00Z"),
        ("2026-01-01T10:00", "2026-01-01T10:00:00Z"),
        ("2026-01-01", "2026-01-01T00:00:00Z"),
        ("  2024-02-29T23:59:59z\n", "2024-02-29T23:59:59Z"),
    ])
    func parsesTimeDate(text: String, expected: String) throws {
        #expect(try TimerSpec.parse(kind: .timeDate, text: text) == .date(timerUTC(expected)))
    }

    @Test(arguments: ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "tomorrow", "2026-01-01T25:00:00Z",
                      "2026-01-01T10:00:00+5", "2026-01-01T10:00:00.Z", "2026-01-01T10:00:60Z", "",
                      "2026-01-01X10:00:00Z", "2026-1-01T10:00:00Z", "2023-02-29"])
    func rejectsTimeDate(text: String) {
        #expect(throws: TimerParseError.self) { try TimerSpec.parse(kind: .timeDate, text: text) }
    }

    @Test func parsesDurationsAndCycles() throws {
        #expect(try TimerSpec.parse(kind: .timeDuration, text: " PT5M ") == .duration(ISODuration(minutes: 5)))
        #expect(try TimerSpec.parse(kind: .timeCycle, text: "R3/PT10M")
            == .cycle(TimerCycle(repetitions: 3, interval: ISODuration(minutes: 10))))
        #expect(try TimerSpec.parse(kind: .timeCycle, text: "0 0/5 * * * ?") == .cron(CronSchedule(parsing: "0 0/5 * * * ?")))
        #expect(throws: TimerParseError("invalid ISO-8601 duration 'PTX': expected a number before 'X'")) {
            try TimerSpec.parse(kind: .timeDuration, text: "PTX")
        }
        #expect(throws: TimerParseError.self) { try TimerSpec.parse(kind: .timeDuration, text: "R3/PT10M") }
        #expect(throws: TimerParseError.self) { try TimerSpec.parse(kind: .timeCycle, text: "") }
    }

    @Test func cycleWithoutRepetitionIsAnError() {
        #expect(throws: TimerParseError("timer cycle 'PT10M' has no repetition prefix: "
            + "use 'R/PT10M' to repeat forever or 'R3/PT10M' to repeat three times")) {
            try TimerSpec.parse(kind: .timeCycle, text: "PT10M")
        }
    }

    @Test func unevaluatedExpressionsAreRejected() {
        for kind in TimerKind.allCases {
            #expect(throws: TimerParseError.self) { try TimerSpec.parse(kind: kind, text: "${dueDate}") }
        }
    }

    @Test func dateFiresOnceEvenInThePast() throws {
        let spec = try TimerSpec.parse(kind: .timeDate, text: "2020-01-01T00:00:00Z")
        let now = timerUTC("2026-01-01T00:00:00Z")
        #expect(spec.firstDue(after: now) == timerUTC("2020-01-01T00:00:00Z"))
        #expect(spec.nextDue(after: timerUTC("2020-01-01T00:00:00Z"), firedCount: 1) == nil)
    }

    @Test func durationFiresOnceRelativeToNow() throws {
        let spec = try TimerSpec.parse(kind: .timeDuration, text: "P1M")
        #expect(spec.firstDue(after: timerUTC("2026-01-31T09:00:00Z")) == timerUTC("2026-02-28T09:00:00Z"))
        #expect(spec.nextDue(after: timerUTC("2026-02-28T09:00:00Z"), firedCount: 1) == nil)
    }

    @Test func cycleDelegatesAndExhausts() throws {
        let spec = try TimerSpec.parse(kind: .timeCycle, text: "R2/PT1H")
        let first = try #require(spec.firstDue(after: timerUTC("2026-01-01T00:00:00Z")))
        #expect(first == timerUTC("2026-01-01T01:00:00Z"))
        let second = try #require(spec.nextDue(after: first, firedCount: 1))
        #expect(second == timerUTC("2026-01-01T02:00:00Z"))
        #expect(spec.nextDue(after: second, firedCount: 2) == nil)
    }

    @Test func cronNeverExhausts() throws {
        let spec = try TimerSpec.parse(kind: .timeCycle, text: "0 0 9 ? * MON")
        let first = try #require(spec.firstDue(after: timerUTC("2026-01-01T00:00:00Z")))
        #expect(first == timerUTC("2026-01-05T09:00:00Z"))
        #expect(spec.nextDue(after: first, firedCount: 1_000) == timerUTC("2026-01-12T09:00:00Z"))
    }

    @Test func codableRoundTrip() throws {
        let specs: [TimerSpec] = [
            try .parse(kind: .timeDate, text: "2026-01-01T10:00:00.5Z"),
            try .parse(kind: .timeDuration, text: "P1Y2M3DT4H5M6.5S"),
            try .parse(kind: .timeCycle, text: "R5/2026-01-01T10:00:00Z/PT1H"),
            try .parse(kind: .timeCycle, text: "R/PT1H/2026-02-01T00:00:00Z"),
            try .parse(kind: .timeCycle, text: "0 30 9 ? * MON-FRI"),
        ]
        let data = try JSONEncoder().encode(specs)
        #expect(try JSONDecoder().decode([TimerSpec].self, from: data) == specs)
        #expect(TimerKind(rawValue: "timeCycle") == .timeCycle)
        #expect(TimerParseError("x").description == "x")
    }
}
