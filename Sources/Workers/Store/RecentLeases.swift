// SPDX-License-Identifier: Apache-2.0
import Workflow

/// The tasks this replica's fetches locked lately, as they were handed out: the complete that follows moments later
/// starts from them instead of reading the task and its instance again. They may be stale (the lock ran out and
/// another worker took the task, another replica changed it): whoever takes one commits with version checks and
/// reads again on a conflict. Taken once; bounded, oldest forgotten first.
final class RecentLeases: Sendable {
    private let tasks: PartitionedMemo<ExternalTask>

    init(capacity: Int) { tasks = PartitionedMemo(capacity: capacity) }

    func keep(_ task: ExternalTask) { tasks.store(task.id, task) }

    /// The task as its lease handed it out, once.
    func take(_ id: String) -> ExternalTask? { tasks.remove(id) }

    func forget(_ id: String) { tasks.remove(id) }
}
