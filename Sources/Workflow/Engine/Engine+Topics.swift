// SPDX-License-Identifier: Apache-2.0
import BPMN

extension Engine {
    /// The topics of the deployed models (those written as constants) with the worker pool their tasks are
    /// scheduled on: the model's `workerPool` property, else the server's configuration, else general purpose.
    /// What `/metrics` reports queue depths for.
    public func deployedTopics() -> [String: WorkerPoolType] {
        let processes = repository.withLock { Array($0.byID.values) }
        var topics: [String: WorkerPoolType] = [:]
        for process in processes {
            for node in process.definition.nodes.values {
                guard case .serviceTask(let task) = node.kind, task.topic.isLiteral else { continue }
                let name = task.topic.source
                let named = task.properties.contains { $0.name == "workerPool" }
                topics[name] = topics[name] ?? (named ? task.workerPool : topicPools[name] ?? task.workerPool)
            }
        }
        return topics
    }
}
