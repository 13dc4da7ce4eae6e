// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import BPMN

struct CronScheduleTests {
    private func next(_ expression: String, after text: String) throws -> Date? {
        try CronSchedule(parsing: expression).nextFire(after: timerUTC(text))
    }

    @Test func everyFiveMinutes() throws {
        #expect(try next("0 0/5 * * * ?", after: "2026-01-01T10:02:30Z") == timerUTC("2026-01-01T10:05:00Z"))
        #expect(try next("0 0/5 * * * ?", after: "2026-01-01T10:05:00Z") == timerUTC("2026-01-01T10:10:00Z"))
        #expect(try next("0 0/5 * * * ?", after: "2026-01-01T23:59:00Z") == timerUTC("2026-01-02T00:00:00Z"))
        #expect(try next("0 */5 * * * ?", after: "2026-01-01T10:04:59.999Z") == timerUTC("2026-01-01T10:05:00Z"))
    }

    @Test func secondsAndRollovers() throws {
        #expect(try next("*/15 * * * * ?", after: "2026-01-01T10:00:07.5Z") == timerUTC("2026-01-01T10:00:15Z"))
        #expect(try next("* * * * * ?", after: "2026-01-01T10:00:07.5Z") == timerUTC("2026-01-01T10:00:08Z"))
        #expect(try next("59 59 23 31 12 ?", after: "2026-12-31T23:59:58Z") == timerUTC("2026-12-31T23:59:59Z"))
        #expect(try next("0 0 0 1 1 ?", after: "2026-06-01T00:00:00Z") == timerUTC("2027-01-01T00:00:00Z"))
        #expect(try next("10,20 5-6 1 * * ?", after: "2026-01-01T01:05:20Z") == timerUTC("2026-01-01T01:06:10Z"))
        #expect(try next("0 0 12 1/10 * ?", after: "2026-01-21T12:00:00Z") == timerUTC("2026-01-31T12:00:00Z"))
    }

    @Test func daysOfWeek() throws {
        // 2026-01-01 is a Thursday; 1 = SUN ... 7 = SAT.
        #expect(try next("0 30 9 ? * MON-FRI", after: "2026-01-02T10:00:00Z") == timerUTC("2026-01-05T09:30:00Z"))
        #expect(try next("0 0 0 ? * SUN", after: "2026-01-01T00:00:00Z") == timerUTC("2026-01-04T00:00:00Z"))
        #expect(try next("0 0 0 ? * 1", after: "2026-01-01T00:00:00Z") == timerUTC("2026-01-04T00:00:00Z"))
        #expect(try next("0 0 0 ? * 7", after: "2026-01-01T00:00:00Z") == timerUTC("2026-01-03T00:00:00Z"))
        #expect(try next("0 0 0 ? * FRI-MON", after: "2026-01-06T00:00:00Z") == timerUTC("2026-01-09T00:00:00Z"))
        #expect(try next("0 0 0 ? jan mon", after: "2026-01-27T00:00:00Z") == timerUTC("2027-01-04T00:00:00Z"))
        #expect(try next("0 15 10 * * MON", after: "2026-01-01T00:00:00Z") == timerUTC("2026-01-05T10:15:00Z"))
    }

    @Test func monthsYearsAndLeapDays() throws {
        #expect(try next("0 0 12 29 2 ?", after: "2026-03-01T00:00:00Z") == timerUTC("2028-02-29T12:00:00Z"))
        #expect(try next("0 0 0 31 * ?", after: "2026-04-01T00:00:00Z") == timerUTC("2026-05-31T00:00:00Z"))
        #expect(try next("0 0 0 1 JUN-AUG ?", after: "2026-08-02T00:00:00Z") == timerUTC("2027-06-01T00:00:00Z"))
        #expect(try next("0 0 0 1 1 ? 2030", after: "2026-01-01T00:00:00Z") == timerUTC("2030-01-01T00:00:00Z"))
        #expect(try next("0 0 0 1 1 ? 2030", after: "2030-01-01T00:00:00Z") == nil)
        #expect(try next("0 0 0 1 1 ? 2028-2035/5", after: "2029-01-01T00:00:00Z") == timerUTC("2033-01-01T00:00:00Z"))
        #expect(try next("0 0 0 30 2 ?", after: "2026-01-01T00:00:00Z") == nil)
    }

    @Test(arguments: [
        ("0 0 0 L * ?", "'L'"), ("0 0 0 15W * ?", "'W'"), ("0 0 0 ? * 6#3", "'#'"), ("0 0 0 ? * 5L", "'L'"),
        ("0 0 0 LW * ?", "'L'"),
    ])
    func rejectsUnsupportedFeatures(expression: String, feature: String) {
        do {
            _ = try CronSchedule(parsing: expression)
            Issue.record("expected an error for \(expression)")
        } catch {
            #expect(error.message.contains("unsupported cron feature \(feature)"))
            #expect(error.message.contains(expression))
        }
    }

    @Test(arguments: ["* * * * *", "0 0 0 ? * ?", "0 0 0 1 * MON", "60 * * * * ?", "0 0 ? * * *",
                      "0 0 0 ? * */0", "0 0 0 ? FOO *", "0 0 0 32 * ?", "0 0 0 ? * 8", "0 0 0 1 * ? 1969",
                      "0 0 0 1,,2 * ?", "0 0 0 1-2-3 * ?", "0 0 0 1/2/3 * ?", "1 2 3 4 5 6 7 8", ""])
    func rejectsMalformed(expression: String) {
        #expect(throws: TimerParseError.self) { try CronSchedule(parsing: expression) }
    }

    @Test func fieldCountMessage() {
        #expect(throws: TimerParseError("invalid cron expression '* * * * *': expected 6 or 7 fields "
            + "(seconds minutes hours day-of-month month day-of-week [year]), got 5")) {
            try CronSchedule(parsing: "* * * * *")
        }
    }

    @Test func codableAsExpressionString() throws {
        let schedule = try CronSchedule(parsing: "0  0/5 * * * ?")
        #expect(schedule.expression == "0 0/5 * * * ?")
        let data = try JSONEncoder().encode([schedule])
        #expect(String(decoding: data, as: UTF8.self) == #"["0 0\/5 * * * ?"]"#)
        #expect(try JSONDecoder().decode([CronSchedule].self, from: data) == [schedule])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CronSchedule].self, from: Data(#"["0 0 0 L * ?"]"#.utf8))
        }
    }
}
