// SPDX-License-Identifier: Apache-2.0

/// The tokens a step still has to move, first in first out.
///
/// A step usually moves one token at a time (start event, then task; task, then end event): the first token waits
/// in a field, and only a second one queued behind it (a parallel split) makes an array.
struct TokenQueue {
    private var head: String?
    private var rest: [String] = []

    var isEmpty: Bool { head == nil && rest.isEmpty }

    mutating func append(_ tokenID: String) {
        if head == nil, rest.isEmpty { head = tokenID } else { rest.append(tokenID) }
    }

    /// The oldest queued token. (`head` is only set while `rest` is empty, so it is always the oldest.)
    mutating func removeFirst() -> String {
        if let first = head {
            head = nil
            return first
        }
        return rest.removeFirst()
    }
}
