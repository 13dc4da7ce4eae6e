// SPDX-License-Identifier: Apache-2.0
//
// WorkflowCLI: the `workflow` executable and composition root. The only module that bootstraps logging,
// reads configuration and picks the store.
import ArgumentParser

struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "A BPMN workflow platform with a Camunda-7-compatible REST API.",
        subcommands: [ServeCommand.self, ValidateCommand.self, DeployCommand.self, WorkerCommand.self, ScaleCommand.self, DeadLettersCommand.self])
}
