import ArgumentParser
import ToolboxAPI

/// `flinkctl jobs list --cluster-name`.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List the FlinkJobs of a cluster.", subcommands: [List.self])

    /// Names of a cluster's jobs, without the `<cluster>-` prefix.
    struct List: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "List the jobs of a FlinkCluster.")
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            let name = cluster.clusterName
            try await send(
                { try await $0.listJobs(path: .init(clusterName: name)) },
                columns: { session in
                    ListColumns(StatusColumns.job) { job in
                        try await session.output { try await $0.getJobStatus(path: .init(clusterName: name, jobName: job)) }
                    }
                })
        }
    }
}

/// `flinkctl job create|update|delete|status|details|metrics|start|stop|scale`.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job", abstract: "Manage one FlinkJob.",
        subcommands: [Create.self, Update.self, Delete.self, Status.self, Details.self, Metrics.self, Start.self, Stop.self, Scale.self]
    )

    /// `--job-spec`.
    struct Spec: ParsableArguments {
        @Option(help: ArgumentHelp("JSON or YAML file with the FlinkJob spec (or a whole FlinkJob).", valueName: "file"))
        var jobSpec: String

        /// The spec in the file.
        func load() throws -> Components.Schemas.FlinkJobSpec {
            try SpecFile.load(Components.Schemas.FlinkJobSpec.self, from: jobSpec)
        }
    }

    /// Creates FlinkJob `<cluster>-<job>`.
    struct Create: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Create a FlinkJob from a spec file; --wait waits until it is Started.")
        @OptionGroup var job: JobNameOptions
        @OptionGroup var spec: Spec
        @OptionGroup var wait: WaitOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            let spec = try spec.load()
            try await send(
                { try await $0.createJob(path: .init(clusterName: job.clusterName, jobName: job.jobName), body: .json(spec)) },
                then: {
                    try await wait.until(.job(job.clusterName, job.jobName, status: "Started"), session: $0)
                })
        }
    }

    /// Replaces the spec of a FlinkJob.
    struct Update: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Replace the spec of a FlinkJob with the spec in a file.")
        @OptionGroup var job: JobNameOptions
        @OptionGroup var spec: Spec
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            let spec = try spec.load()
            try await send { try await $0.updateJob(path: .init(clusterName: job.clusterName, jobName: job.jobName), body: .json(spec)) }
        }
    }

    /// Deletes a FlinkJob.
    struct Delete: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a FlinkJob.")
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.deleteJob(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Shows the status of a FlinkJob.
    struct Status: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Show the status of a FlinkJob.")
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getJobStatus(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Flink's details of the running job.
    struct Details: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Show Flink's details of a running job.")
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getJobDetails(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Checkpoint and restart metrics of the running job.
    struct Metrics: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Show the checkpoint and restart metrics of a running job.")
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getJobMetrics(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }
}
