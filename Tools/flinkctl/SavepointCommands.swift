import ArgumentParser
import ToolboxAPI

/// `flinkctl savepoint trigger|forget`.
struct SavepointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "savepoint", abstract: "Trigger or forget a job's savepoint.", subcommands: [Trigger.self, Forget.self]
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
}
