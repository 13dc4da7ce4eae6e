// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import Workflow

struct CamundaDateTests {
    @Test func formatsEpoch() {
        #expect(CamundaDate.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000+0000")
    }

    @Test func formatsMillisecondsAndPreEpoch() {
        #expect(CamundaDate.format(Date(timeIntervalSince1970: 1_444_142_082)) == "2015-10-06T14:34:42.000+0000")
        #expect(CamundaDate.format(Date(timeIntervalSince1970: 1_444_142_082.123)) == "2015-10-06T14:34:42.123+0000")
        #expect(CamundaDate.format(Date(timeIntervalSince1970: 1_444_142_082.9999)) == "2015-10-06T14:34:42.999+0000")
        #expect(CamundaDate.format(Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999+0000")
        #expect(CamundaDate.format(Date(timeIntervalSince1970: 253_402_300_799.5)) == "9999-12-31T23:59:59.500+0000")
    }

    @Test(arguments: [
        ("2015-10-06T14:34:42.000+0000", 1_444_142_082.0),
        ("2015-10-06T16:34:42.000+0200", 1_444_142_082.0),
        ("2015-10-06T09:34:42.000-0500", 1_444_142_082.0),
        ("2015-10-06T09:34:42.000-05:00", 1_444_142_082.0),
        ("2015-10-06T11:04:42.000-03:30", 1_444_142_082.0),
        ("2015-10-06T16:34:42+02:00", 1_444_142_082.0),
        ("2015-10-06T14:34:42Z", 1_444_142_082.0),
        ("2015-10-06T14:34:42.123z", 1_444_142_082.123),
        ("2015-10-06T14:34:42.123456+00:00", 1_444_142_082.123456),
        ("2015-10-06T14:34:42.123456", 1_444_142_082.123456),
        ("2015-10-06 14:34:42.5", 1_444_142_082.5),
        ("2015-10-06T14:34:42", 1_444_142_082.0),
        ("2015-10-06T14:34", 1_444_142_040.0),
    ])
    func parsesLeniently(text: String, seconds: Double) throws {
        let date = try #require(CamundaDate.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test func microsecondsAreTruncatedOnFormat() throws {
        let date = try #require(CamundaDate.parse("2024-01-01T10:00:00.123456+00:00"))
        #expect(CamundaDate.format(date) == "2024-01-01T10:00:00.123+0000")
    }

    @Test func leapDays() throws {
        let leap = try #require(CamundaDate.parse("2024-02-29T12:00:00.000+0000"))
        #expect(CamundaDate.format(leap) == "2024-02-29T12:00:00.000+0000")
        #expect(CamundaDate.parse("2000-02-29T00:00:00.000+0000") != nil)
        #expect(CamundaDate.parse("2023-02-29T12:00:00.000+0000") == nil)
        #expect(CamundaDate.parse("1900-02-29T12:00:00.000+0000") == nil)
        let nextDay = try #require(CamundaDate.parse("2024-02-29T23:30:00.000-0100"))
        #expect(CamundaDate.format(nextDay) == "2024-03-01T00:30:00.000+0000")
    }

    @Test func roundTripPreservesMilliseconds() throws {
        let samples: [Int64] = [0, 1, -1, 999, 1_000, 1_444_142_082_123, 1_709_164_800_001, -86_400_001,
                                4_102_444_799_999, 951_782_400_500, 1_767_225_599_999]
        for millis in samples {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = CamundaDate.format(date)
            let parsed = try #require(CamundaDate.parse(text))
            #expect((parsed.timeIntervalSince1970 * 1000).rounded() == Double(millis), "\(text)")
            #expect(CamundaDate.format(parsed) == text)
        }
        for text in ["2015-10-06T14:34:42.007+0000", "1999-12-31T23:59:59.999+0000", "2100-03-01T00:00:00.010+0000"] {
            #expect(CamundaDate.parse(text).map(CamundaDate.format) == text)
        }
    }

    @Test(arguments: ["", "garbage", "2015-10-06", "2015-10-06T14", "2015-1-06T14:34:42.000+0000",
                      "2015-10-06T14:34:42.000+0000x", "2015-10-06T14:34:42.+0000", "2015-10-06T24:00:00.000+0000",
                      "2015-10-06T14:60:00.000+0000", "2015-10-06T14:34:42.000+2500", "2015-10-06T14:34:42 +0000",
                      "2015-13-06T14:34:42.000+0000", "2015-10-32T14:34:42.000+0000", "2015-10-06T14:34:42.000+00:0",
                      "2015-10-06X14:34:42.000+0000", "２０１５-10-06T14:34:42Z", "2015-10-06T14:34:42.000+0000\n"])
    func rejectsGarbage(text: String) {
        #expect(CamundaDate.parse(text) == nil)
    }

    @Test func concurrentUseIsSafe() async {
        let dates = (0..<200).map { Date(timeIntervalSince1970: 1_700_000_000 + Double($0) * 3_601.001) }
        let expected = dates.map(CamundaDate.format)
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for (index, date) in dates.enumerated() {
                group.addTask { (index, CamundaDate.format(CamundaDate.parse(CamundaDate.format(date)) ?? .distantPast)) }
            }
            var collected = [String](repeating: "", count: dates.count)
            for await (index, text) in group { collected[index] = text }
            return collected
        }
        #expect(results == expected)
    }
}
