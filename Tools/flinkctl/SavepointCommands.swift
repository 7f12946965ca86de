import ArgumentParser
import ToolboxAPI

/// `flinkctl savepoint trigger|forget|list`.
struct SavepointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "savepoint", abstract: "Trigger, forget or list a job's savepoints.",
        discussion: """
            Examples:
              flinkctl savepoint trigger --cluster-name demo --job-name computeaverage
            """,
        subcommands: [Trigger.self, Forget.self, List.self]
    )

    /// Requests a savepoint (annotation TRIGGER_SAVEPOINT).
    struct Trigger: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Ask the supervisor to take a savepoint of a running job.",
            discussion: """
                Examples:
                  flinkctl savepoint trigger --cluster-name demo --job-name computeaverage
                """
        )
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.triggerSavepoint(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Forgets the last savepoint (annotation FORGET_SAVEPOINT): the next start has no state.
    struct Forget: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Forget a job's last savepoint, so that its next start has no state.",
            discussion: """
                Examples:
                  flinkctl savepoint forget --cluster-name demo --job-name computeaverage
                """
        )
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.forgetSavepoint(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Lists the savepoints the toolbox took of a job, newest first (status.savepointHistory).
    struct List: ControlPlaneCommand {
        var subject: Subject { .objects(kind: "Savepoint", key: "path") }
        static let configuration = CommandConfiguration(
            abstract: "List a job's savepoints, newest first: path, time, trigger, Flink job id.",
            discussion: """
                Examples:
                  flinkctl savepoint list --cluster-name demo --job-name computeaverage \\
                    -o table
                  flinkctl savepoint list --cluster-name demo --job-name computeaverage \\
                    -o jsonpath='{.items[0].path}'
                """
        )
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.listSavepoints(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }
}
