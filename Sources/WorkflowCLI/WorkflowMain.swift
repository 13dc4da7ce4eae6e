// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// The process entry: parses the command line, then runs the command as `AsyncParsableCommand.main()` would. A
/// `worker --executor event-loops` first makes NIO's singleton event loops Swift's global executor, which must
/// happen before any task runs: its handlers, runtime and HTTP client then share those loops, and an HTTP answer
/// resumes its caller on the loop it arrived on instead of waking a thread of the cooperative pool (about a tenth
/// less worker CPU per task in the REST benchmark, `bench/cpu_per_task.py`).
@main
enum WorkflowMain {
    static func main() {
        let command: any ParsableCommand
        do {
            command = try WorkflowCommand.parseAsRoot()
        } catch {
            WorkflowCommand.exit(withError: error)
        }
        if let worker = command as? WorkerCommand, worker.executor == .eventLoops,
           !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        {
            FileHandle.standardError.write(Data("warning: --executor event-loops is not supported here; handlers run on the cooperative pool\n".utf8))
        }
        let parsed = Parsed(command: command)
        Task {
            do {
                var command = parsed.command
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch {
                WorkflowCommand.exit(withError: error)
            }
            WorkflowCommand.exit()
        }
        dispatchMain()
    }

    /// The parsed command, handed once from the main thread to the task that runs it.
    private struct Parsed: @unchecked Sendable { let command: any ParsableCommand }
}
