// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// A `Mutex` that copyable values (controllers, middleware) can share: a reference to one lock-protected value.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try mutex.withLock(body)
    }
}
