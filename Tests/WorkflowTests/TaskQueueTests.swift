// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workflow

/// The memory store's fetch queue: ready tasks by priority then age, leases returning after they run out, and the
/// entries settled tasks leave behind kept from piling up.
struct TaskQueueTests {
    let now = Date(timeIntervalSince1970: 1_000_000)

    func task(_ id: String, priority: Int64 = 0, sequence: Int64) -> ExternalTask {
        var task = ExternalTask(
            id: id, topicName: "t", processInstanceID: "p-\(id)", processDefinitionID: "d:1:x",
            processDefinitionKey: "d", processDefinitionVersionTag: nil, activityID: "A", activityInstanceID: "A:\(id)",
            executionID: "e-\(id)", businessKey: nil, tenantID: nil, createTime: now, priority: priority, retries: nil,
            extensionProperties: [:], workerPool: .generalPurpose, slotPool: nil, slots: 0)
        task.sequence = sequence
        return task
    }

    @Test func settledLeasesDoNotPileUpInTheDelayedHeap() {
        var queue = TaskQueue()
        var tasks: [String: ExternalTask] = [:]
        // 5,000 tasks leased for an hour and settled at once: each left a delayed entry behind.
        for index in 0..<5_000 {
            var leased = task("s\(index)", sequence: Int64(index))
            leased.lock(for: "w", until: now.addingTimeInterval(3_600))
            tasks[leased.id] = leased
            queue.file(leased)
            tasks[leased.id] = nil
            queue.compactDelayed(tasks: tasks)
        }
        #expect(queue.delayedEntries <= 64 + 1, "stale entries are dropped, not kept for the hour")

        // A live lease survives the rebuild and comes back when it runs out.
        var live = task("live", sequence: 9_999)
        live.lock(for: "w", until: now.addingTimeInterval(30))
        tasks[live.id] = live
        queue.file(live)
        for index in 0..<200 {
            var leased = task("x\(index)", sequence: Int64(10_000 + index))
            leased.lock(for: "w", until: now.addingTimeInterval(3_600))
            queue.file(leased)
            queue.compactDelayed(tasks: tasks)
        }
        #expect(queue.delayedEntries < 200)
        #expect(queue.take(topics: ["t"], limit: 1, tasks: tasks) { _ in true }.isEmpty, "still locked")
        queue.promote(until: now.addingTimeInterval(31), tasks: tasks)
        #expect(queue.take(topics: ["t"], limit: 5, tasks: tasks) { _ in true } == ["live"])
    }

    @Test func aTaskWithTwoLiveEntriesIsTakenOnce() {
        var queue = TaskQueue()
        var tasks: [String: ExternalTask] = [:]
        var expired = task("expired", sequence: 1)
        expired.lock(for: "w", until: now)
        tasks[expired.id] = expired
        queue.file(expired)
        queue.promote(until: now.addingTimeInterval(1), tasks: tasks)  // ready again, its lock time still set
        // Enough stale entries to make the rebuild run: it files the expired task in the delayed heap once more.
        for index in 0..<100 {
            var gone = task("gone\(index)", sequence: Int64(10 + index))
            gone.lock(for: "w", until: now.addingTimeInterval(3_600))
            queue.file(gone)
        }
        queue.compactDelayed(tasks: tasks)
        #expect(queue.delayedEntries == 1)
        queue.promote(until: now.addingTimeInterval(1), tasks: tasks)
        #expect(queue.take(topics: ["t"], limit: 5, tasks: tasks) { _ in true } == ["expired"], "once, not twice")
    }

    @Test func readyTasksGoByPriorityThenAge() {
        var queue = TaskQueue()
        var tasks: [String: ExternalTask] = [:]
        for (id, priority, sequence) in [("old-low", 0, 1), ("high", 10, 3), ("new-low", 0, 2), ("mid", 5, 4)] {
            let ready = task(id, priority: Int64(priority), sequence: Int64(sequence))
            tasks[id] = ready
            queue.file(ready)
        }
        #expect(queue.mayHaveWork(at: now))
        #expect(queue.take(topics: ["t"], limit: 4, tasks: tasks) { _ in true } == ["high", "mid", "old-low", "new-low"])
        #expect(!queue.mayHaveWork(at: now), "every entry taken")
    }
}
