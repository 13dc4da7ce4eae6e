// SPDX-License-Identifier: Apache-2.0
import Testing
import Workflow

struct RetryPolicyTests {
    @Test func delaysDoubleUpToTheCapWithBoundedJitter() {
        let policy = RetryPolicy(baseMilliseconds: 1_000, capMilliseconds: 60_000, jitter: 0.2)
        #expect((1...8).map { policy.nominalDelay(afterFailure: $0) } == [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000])
        #expect(policy.nominalDelay(afterFailure: 500) == 60_000, "no overflow for large counts")
        #expect(policy.delay(afterFailure: 1, random: 0) == 800 && policy.delay(afterFailure: 1, random: 0.999_999) == 1_200)
        #expect(policy.delay(afterFailure: 3, random: 0.5) == 4_000)
        let spread = Set((0..<200).map { _ in policy.delay(afterFailure: 2) })
        #expect(spread.allSatisfy { (1_600...2_400).contains($0) } && spread.count > 10, "jittered within ±20%")
        #expect(RetryPolicy(baseMilliseconds: 5_000, capMilliseconds: 1_000).capMilliseconds == 5_000, "the cap is at least the base")
    }
}
