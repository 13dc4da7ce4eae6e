// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Generates the ids the engine hands out. UUIDs in Camunda's lower-case form.
public enum IDGenerator {
    public static func next() -> String { UUID().uuidString.lowercased() }
}
