// SPDX-License-Identifier: Apache-2.0

/// An immutable value behind one reference.
///
/// Records that travel through every engine step (tasks, instances, activity history) keep their fixed fields in
/// one: copying the record then retains this one reference instead of each string and table in it. The value never
/// changes, so there is nothing to copy on write.
final class Shared<Value: Sendable>: Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
