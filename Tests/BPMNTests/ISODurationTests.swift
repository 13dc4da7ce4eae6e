// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import BPMN

/// An independent oracle for UTC instants in expectations.
func timerUTC(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else {
        Issue.record("test oracle cannot parse '\(text)'")
        return .distantPast
    }
    return date
}

struct ISODurationTests {
    @Test func parsesSingleComponents() throws {
        #expect(try ISODuration(parsing: "PT5M") == ISODuration(minutes: 5))
        #expect(try ISODuration(parsing: "P1D") == ISODuration(days: 1))
        #expect(try ISODuration(parsing: "P2W") == ISODuration(weeks: 2))
        #expect(try ISODuration(parsing: "PT0.5S") == ISODuration(seconds: 0.5))
        #expect(try ISODuration(parsing: "PT1,5S") == ISODuration(seconds: 1.5))
        #expect(try ISODuration(parsing: "pt5m") == ISODuration(minutes: 5))
        #expect(try ISODuration(parsing: "PT0S").isZero)
    }

    @Test func parsesAllComponents() throws {
        let duration = try ISODuration(parsing: "P1Y2M3DT4H5M6.5S")
        #expect(duration == ISODuration(years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6.5))
        #expect(duration.description == "P1Y2M3DT4H5M6.5S")
        #expect(try ISODuration(parsing: "P1M").months == 1)
        #expect(try ISODuration(parsing: "PT1M").minutes == 1)
        #expect(ISODuration().description == "PT0S")
    }

    @Test(arguments: [
        ("PTX", "invalid ISO-8601 duration 'PTX': expected a number before 'X'"),
        ("P", "invalid ISO-8601 duration 'P': expected at least one component after 'P'"),
        ("-PT5M", "invalid ISO-8601 duration '-PT5M': negative durations are not supported"),
        ("PT", "invalid ISO-8601 duration 'PT': expected a time component after 'T'"),
        ("PT5", "invalid ISO-8601 duration 'PT5': expected a unit designator after '5'"),
        ("5M", "invalid ISO-8601 duration '5M': expected 'P' at the start"),
        ("", "invalid ISO-8601 duration '': the text is empty"),
    ])
    func rejectsWithMessage(text: String, message: String) {
        #expect(throws: TimerParseError(message)) { try ISODuration(parsing: text) }
    }

    @Test(arguments: ["P1H", "PT1D", "P1M1Y", "PT1M1M", "P1.5D", "PT-5M", "P1DT", "P1Y ", "P99999999999999999999Y",
                      "PT1.S", "P1DT2H3", "PT1HT1M"])
    func rejects(text: String) {
        #expect(throws: TimerParseError.self) { try ISODuration(parsing: text) }
    }

    @Test func fractionErrorNamesTheProblem() {
        do {
            _ = try ISODuration(parsing: "P1.5D")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("only seconds may have a fraction"))
        }
    }

    @Test func addsCalendarUnitsClampingToMonthEnd() {
        #expect(ISODuration(months: 1).added(to: timerUTC("2026-01-31T10:00:00Z")) == timerUTC("2026-02-28T10:00:00Z"))
        #expect(ISODuration(months: 1).added(to: timerUTC("2024-01-31T10:00:00Z")) == timerUTC("2024-02-29T10:00:00Z"))
        #expect(ISODuration(months: 1).added(to: timerUTC("2026-03-31T00:00:00Z")) == timerUTC("2026-04-30T00:00:00Z"))
        #expect(ISODuration(years: 1).added(to: timerUTC("2024-02-29T00:00:00Z")) == timerUTC("2025-02-28T00:00:00Z"))
        #expect(ISODuration(years: 1, months: 2).added(to: timerUTC("2025-12-31T00:00:00Z")) == timerUTC("2027-02-28T00:00:00Z"))
        #expect(ISODuration(months: 1).added(to: timerUTC("2026-12-15T08:00:00Z")) == timerUTC("2027-01-15T08:00:00Z"))
        #expect(ISODuration(months: 1).added(to: timerUTC("1969-12-31T12:00:00Z")) == timerUTC("1970-01-31T12:00:00Z"))
    }

    @Test func addsDaysWeeksAndExactTime() {
        let start = timerUTC("2026-01-31T10:00:00Z")
        #expect(ISODuration(months: 1, days: 1, hours: 1).added(to: start) == timerUTC("2026-03-01T11:00:00Z"))
        #expect(ISODuration(weeks: 2).added(to: start) == timerUTC("2026-02-14T10:00:00Z"))
        #expect(ISODuration(days: 1).added(to: timerUTC("2024-02-28T23:30:00Z")) == timerUTC("2024-02-29T23:30:00Z"))
        #expect(ISODuration(seconds: 0.5).added(to: start) == start.addingTimeInterval(0.5))
        #expect(ISODuration(hours: 25).added(to: start) == timerUTC("2026-02-01T11:00:00Z"))
        let fractional = Date(timeIntervalSince1970: 1_767_225_600.25)
        #expect(ISODuration(days: 1).added(to: fractional) == Date(timeIntervalSince1970: 1_767_312_000.25))
    }

    @Test func codableRoundTrip() throws {
        let duration = try ISODuration(parsing: "P1Y2M3DT4H5M6.5S")
        let data = try JSONEncoder().encode(duration)
        #expect(try JSONDecoder().decode(ISODuration.self, from: data) == duration)
    }
}
