// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Synchronization

/// A `WorkerObserver` that appends one JSON line per event to a file: `{"t": <ns since the epoch>, "event",
/// "task", "topic", "instance", "slotPool", "worker"}`. Lines of several worker processes can be merged by `t` to
/// count how many tasks of a slot pool ran at once, or how often a task was completed.
///
/// `started` is written before the handler runs and `handled` as soon as it returns, both inside the lease, so the
/// intervals between them never overlap more than the engine's slots allow.
public final class TaskActivityLog: WorkerObserver {
    private let descriptor: Int32
    private let lock = Mutex(())

    public init(path: String) throws {
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw VariableCodingError(description: "cannot open activity log \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    public func record(_ event: WorkerEvent, task: WorkerTask) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var fields: [String: ExpressionValue] = [
            "t": .int(Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)),
            "task": .string(task.id), "topic": .string(task.topicName), "instance": .string(task.processInstanceID),
            "worker": .string(task.workerID), "slotPool": task.slotPool.map { .string($0) } ?? .null,
        ]
        switch event {
        case .started: fields["event"] = "started"
        case .handled(let outcome): fields["event"] = "handled"; fields["outcome"] = .string(outcome)
        case .settled(let outcome): fields["event"] = "settled"; fields["outcome"] = .string(outcome)
        case .settleFailed(let error): fields["event"] = "settleFailed"; fields["error"] = .string(error)
        case .unlocked: fields["event"] = "unlocked"
        case .lockLost: fields["event"] = "lockLost"
        }
        let line = ExpressionValue.object(fields).jsonBytes + [UInt8(ascii: "\n")]
        lock.withLock { _ in _ = line.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) } }
    }
}
