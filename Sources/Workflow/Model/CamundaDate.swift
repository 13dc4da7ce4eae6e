// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Dates in the format of the Camunda 7 REST API: `yyyy-MM-dd'T'HH:mm:ss.SSSZ`,
/// e.g. `2015-10-06T14:34:42.000+0000`.
///
/// Formatting and parsing are hand-written over the civil-from-days algorithm: no
/// `DateFormatter`, no shared state, safe to call from any thread.
public enum CamundaDate {
    /// Formats `date` in UTC as `yyyy-MM-dd'T'HH:mm:ss.SSS+0000`: always three millisecond
    /// digits (truncated, not rounded) and always the offset `+0000`, never `Z`.
    public static func format(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        let whole = t.rounded(.down)
        guard whole.isFinite, abs(whole) < 1e15 else { return format(Date(timeIntervalSince1970: 0)) }
        // Tolerate binary rounding: 0.123 s may be stored as 0.12299999...
        let millis = min(999, Int(((t - whole) * 1000 + 0.001).rounded(.down)))
        let seconds = Int(whole)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        return String(unsafeUninitializedCapacity: 40) { buffer in
            var i = 0
            func put(_ value: Int, width: Int) {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                while divisor > 0 {
                    buffer[i] = UInt8(48 + value / divisor % 10)
                    i += 1
                    divisor /= 10
                }
            }
            func put(_ byte: Character) {
                buffer[i] = byte.asciiValue ?? 0x3F
                i += 1
            }
            if year < 0 { put("-") }
            put(abs(year), width: abs(year) > 9999 ? String(abs(year)).count : 4)
            put("-"); put(month, width: 2); put("-"); put(day, width: 2); put("T")
            put(secondOfDay / 3600, width: 2); put(":"); put(secondOfDay / 60 % 60, width: 2); put(":")
            put(secondOfDay % 60, width: 2); put("."); put(millis, width: 3)
            for byte in "+0000" { put(byte) }
            return i
        }
    }

    /// Parses a Camunda REST date. Accepts the canonical `2015-10-06T14:34:42.000+0000` and,
    /// leniently, `Z`, `±HH:MM`, `±HHMM` or `±HH` offsets, no offset (UTC), no fraction or any
    /// number of fraction digits (`.123456`), and `t` or a space as the separator.
    /// Returns `nil` for anything else, including out-of-range fields.
    public static func parse(_ text: String) -> Date? {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<width {
                guard bytes[i] >= 0x30, bytes[i] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[i] - 0x30)
                i += 1
            }
            return value
        }
        func eat(_ character: Character) -> Bool {
            guard i < bytes.count, bytes[i] == character.asciiValue else { return false }
            i += 1
            return true
        }
        guard let year = number(4), eat("-"), let month = number(2), eat("-"), let day = number(2),
              (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              eat("T") || eat("t") || eat(" "), let hour = number(2), eat(":"), let minute = number(2),
              hour < 24, minute < 60
        else { return nil }
        var second = 0
        var nanos = 0
        if eat(":") {
            guard let value = number(2), value < 60 else { return nil }
            second = value
            if eat(".") || eat(",") {
                let start = i
                var scale = 100_000_000
                while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                    nanos += Int(bytes[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        var offset = 0
        if !(eat("Z") || eat("z")), i < bytes.count {
            guard bytes[i] == 0x2B || bytes[i] == 0x2D else { return nil }
            let sign = bytes[i] == 0x2D ? -1 : 1
            i += 1
            guard let hours = number(2), hours < 24 else { return nil }
            var minutes = 0
            if i < bytes.count {
                _ = eat(":")
                guard let value = number(2), value < 60 else { return nil }
                minutes = value
            }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard i == bytes.count else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    /// The civil date for days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - (153 * mp + 2) / 5 + 1)
    }
}
