// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import Workflow

/// The runtime's queue of tokens to move stays first in first out across its inline slot and its array.
struct TokenQueueTests {
    @Test func firstInFirstOutAcrossTheInlineSlot() {
        var queue = TokenQueue()
        #expect(queue.isEmpty)
        queue.append("a")
        queue.append("b")
        #expect(queue.removeFirst() == "a")
        queue.append("c")  // behind b, not in the free slot
        queue.append("d")
        #expect([queue.removeFirst(), queue.removeFirst(), queue.removeFirst()] == ["b", "c", "d"])
        #expect(queue.isEmpty)
        queue.append("e")
        #expect(!queue.isEmpty && queue.removeFirst() == "e" && queue.isEmpty)
    }
}
