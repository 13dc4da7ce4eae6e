// SPDX-License-Identifier: Apache-2.0
import Foundation

/// How long a failed task waits before it can be fetched again when the worker names no `retryTimeout`:
/// `base × 2^(failures − 1)`, at most `cap`, spread by ±`jitter` so tasks that failed together do not all come
/// back at the same moment. A worker's own `retryTimeout` always wins.
public struct RetryPolicy: Sendable, Hashable {
    public var baseMilliseconds: Int64
    public var capMilliseconds: Int64
    /// The fraction (0…1) by which a delay is spread either way.
    public var jitter: Double

    public init(baseMilliseconds: Int64 = 1_000, capMilliseconds: Int64 = 600_000, jitter: Double = 0.2) {
        self.baseMilliseconds = max(0, baseMilliseconds)
        self.capMilliseconds = max(self.baseMilliseconds, capMilliseconds)
        self.jitter = min(1, max(0, jitter))
    }

    /// The delay after the `failures`-th failure (1 for the first), before jitter.
    public func nominalDelay(afterFailure failures: Int) -> Int64 {
        let exponent = min(max(failures - 1, 0), 40)
        let (delay, overflow) = baseMilliseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        return overflow ? capMilliseconds : min(delay, capMilliseconds)
    }

    /// The delay after the `failures`-th failure, jittered; `random` is a number in 0..<1.
    public func delay(afterFailure failures: Int, random: Double = Double.random(in: 0..<1)) -> Int64 {
        let nominal = Double(nominalDelay(afterFailure: failures))
        let spread = nominal * jitter * (2 * random - 1)
        return Int64((nominal + spread).rounded())
    }
}
