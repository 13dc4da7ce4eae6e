// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Proleptic Gregorian calendar arithmetic in UTC, implemented over day numbers
/// (days since 1970-01-01) with Howard Hinnant's civil-from-days algorithms.
///
/// Pure functions only: no `Calendar`, no `DateFormatter`, no shared state.
enum UTCCalendar {
    /// Days since 1970-01-01 for a civil date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date for a number of days since 1970-01-01.
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Quartz-style weekday: 1 = Sunday ... 7 = Saturday.
    static func weekday(days: Int) -> Int {
        ((days % 7 + 7 + 4) % 7) + 1  // 1970-01-01 was a Thursday
    }

    /// Splits a date into whole UTC days and the seconds into that day.
    static func split(_ date: Date) -> (days: Int, seconds: Double) {
        let t = date.timeIntervalSince1970
        let d = (t / 86_400).rounded(.down)
        guard d.isFinite, abs(d) < 1e12 else { return (0, 0) }
        return (Int(d), t - d * 86_400)
    }

    /// Parses an ISO-8601 date or date-time: `2026-01-01`, `2026-01-01T10:00`,
    /// `2026-01-01T10:00:00[.fff…][Z|±HH:MM|±HHMM|±HH]`. No offset means UTC.
    static func parseDateTime(_ text: String) -> Date? {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<width {
                let digit = Int(bytes[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
                i += 1
            }
            return value
        }
        func eat(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = number(4), eat(0x2D), let month = number(2), eat(0x2D), let day = number(2),
              (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        let dayNumber = days(year: year, month: month, day: day)
        if i == bytes.count { return Date(timeIntervalSince1970: Double(dayNumber) * 86_400) }
        guard eat(0x54) || eat(0x74) || eat(0x20), let hour = number(2), eat(0x3A), let minute = number(2),
              hour < 24, minute < 60 else { return nil }
        var second = 0
        var nanos = 0
        if eat(0x3A) {
            guard let s = number(2), s < 60 else { return nil }
            second = s
            if eat(0x2E) || eat(0x2C) {
                var scale = 100_000_000
                let start = i
                while i < bytes.count, (0x30...0x39).contains(bytes[i]) {
                    nanos += Int(bytes[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        var offset = 0
        if eat(0x5A) || eat(0x7A) {
            offset = 0
        } else if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D {
            let sign = bytes[i] == 0x2D ? -1 : 1
            i += 1
            guard let oh = number(2), oh < 24 else { return nil }
            var om = 0
            if i < bytes.count {
                _ = eat(0x3A)
                guard let m = number(2), m < 60 else { return nil }
                om = m
            }
            offset = sign * (oh * 3600 + om * 60)
        }
        guard i == bytes.count else { return nil }
        let whole = dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(whole) + Double(nanos) / 1e9)
    }
}
