// SPDX-License-Identifier: Apache-2.0
import Workflow

/// Every Redis key name of the store is built here.
///
/// An instance and everything of it (tasks, timers, subscriptions, incidents, history) lives in one of 16
/// partitions, chosen by `IDGenerator.partition(of: instanceID)`; task ids are drawn in their instance's partition,
/// so a task id alone names its partition. Every key of a partition starts with `wf:{pNN}:`, whose hash tag puts
/// them all in one Redis Cluster slot, so each Lua script works on one slot.
///
/// | key (after the prefix) | type | holds |
/// |---|---|---|
/// | `inst` | hash | instance id → instance JSON; `v:<id>` → its version |
/// | `task` | hash | task id → task JSON; `v:<id>` → version; `l:<id>` → lock overlay `expiry␟worker`; `q:<id>` → `topic␟score␟member␟slot pool␟slots␟worker pool␟instance id`, where the task queues (a lock reads the instance beside it) |
/// | `ready:<topic>` | zset | member `<16-digit sequence><id>` by score −priority: highest priority, then oldest |
/// | `delayed` | zset | task id by the time (s) its lock or back-off ends |
/// | `pq:<pool>` / `pl:<pool>` | zset | a worker pool's queued task ids (score 0) / its leased ones by lease expiry |
/// | `itasks:<i>` / `iutasks:<i>` | set | task ids / user task ids of an instance |
/// | `utask` | hash | user task id → JSON |
/// | `timers` / `itimers:<i>` | zset / set | `instance␟timer` by due time / an instance's entries |
/// | `msg:<name>` / `imsg:<i>` | hash / set | subscription id → `instance␟businessKey` / an instance's `name␟id` |
/// | `inc` / `iinc:<i>` / `inchist` | hash / hash / list | open incidents / an instance's `execution␟configuration` / closed ones |
/// | `hist` / `hend` | hash | instance id → historic record JSON / end record JSON |
/// | `hact:<i>` / `hactend:<i>` | list / hash | activity records, each followed later by its end `␟id␟end␟canceled` / ends written by earlier versions (read, never written) |
///
/// Global keys (small, read at start): `wf:deployments`, `wf:starttimers`, `wf:slotpools` (pools resized).
///
/// A slot pool is shared by every partition, so it has a slot of its own: `wf:{pool:NAME}:h` (zset: task id by
/// lease expiry), `:s` (hash: task id → slots), `:size`. A fetch first takes the slots (one script there), then
/// locks the task in its partition, and gives the slots back if the task was gone; a crash in between leaves a
/// holder that expires with the lease it would have had.
///
/// `wf:` is the default namespace; another one (`wf-test-…:`) keeps several stores apart on one Redis.
public struct RedisKeys: Sendable {
    static let partitions = IDGenerator.partitions
    let namespace: String
    let deployments: String
    let startTimers: String
    let deploymentsVersion: String
    /// The pub/sub channel on which a task becoming fetchable announces its topic (`*`: slots came back).
    public let signals: String

    public init(namespace: String = "wf:") {
        self.namespace = namespace
        deployments = namespace + "deployments"
        startTimers = namespace + "starttimers"
        deploymentsVersion = namespace + "deployments:version"
        signals = namespace + "signals"
    }

    /// `wf:{p07}:`
    func prefix(_ partition: Int) -> String {
        namespace + "{p" + (partition < 10 ? "0" : "") + String(partition) + "}:"
    }

    static func partition(of id: String) -> Int { IDGenerator.partition(of: id) }

    // A record's other fields sit beside it in its hash (ids hold no ':'), so one HDEL or HMGET reaches them all:
    // a task's lock, complete and drop each took three or four calls more inside their scripts with a hash apiece.
    static func version(_ id: String) -> String { "v:" + id }
    static func lock(_ id: String) -> String { "l:" + id }
    static func queueEntry(_ id: String) -> String { "q:" + id }
    /// Whether a field of `inst` or `task` is a record's (not a version, lock or queue entry).
    static func isRecordField(_ field: String) -> Bool { field.utf8.dropFirst().first != UInt8(ascii: ":") }

    /// The key that routes a partition's scripts.
    func route(_ partition: Int) -> String { prefix(partition) + "inst" }

    static func ready(_ topic: String) -> String { "ready:" + topic }

    var slotPools: String { namespace + "slotpools" }

    /// The holders zset, slots hash and size of a slot pool, all in the pool's own Cluster slot.
    func pool(_ name: String) -> (holders: String, slots: String, size: String) {
        let prefix = namespace + "{pool:" + name + "}:"
        return (prefix + "h", prefix + "s", prefix + "size")
    }
}
