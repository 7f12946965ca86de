import ArgumentParser
import ToolboxAPI

/// `flinkctl savepoint trigger|forget|list`.
struct SavepointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "savepoint", abstract: "Trigger, forget or list a job's savepoints.",
        subcommands: [Trigger.self, Forget.self, List.self]
    )

    /// Requests a savepoint (annotation TRIGGER_SAVEPOINT).
    struct Trigger: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Ask the supervisor to take a savepoint of a running job.")
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.triggerSavepoint(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Forgets the last savepoint (annotation FORGET_SAVEPOINT): the next start has no state.
    struct Forget: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a job's last savepoint, so that its next start has no state.")
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.forgetSavepoint(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Lists the savepoints the toolbox took of a job, newest first (status.savepointHistory).
    struct List: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "List a job's savepoints, newest first: path, time, trigger, Flink job id.")
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.listSavepoints(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }
}
