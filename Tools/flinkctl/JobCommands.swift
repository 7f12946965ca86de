import ArgumentParser
import ToolboxAPI

/// `flinkctl jobs list --cluster-name`.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List the FlinkJobs of a cluster.",
        discussion: """
            Examples:
              flinkctl jobs list --cluster-name demo -o table
            """,
        subcommands: [List.self])

    /// Names of a cluster's jobs, without the `<cluster>-` prefix.
    struct List: ControlPlaneCommand {
        var subject: Subject { .names(kind: "FlinkJob", prefix: "\(cluster.clusterName)-") }
        static let configuration = CommandConfiguration(
            abstract: "List the jobs of a FlinkCluster.",
            discussion: """
                Examples:
                  flinkctl jobs list --cluster-name demo -o table
                  flinkctl jobs list --cluster-name demo -o name
                """
        )
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
        discussion: """
            Examples:
              flinkctl job status --cluster-name demo --job-name computeaverage -o table
              flinkctl job stop --cluster-name demo --job-name computeaverage --wait
            """,
        subcommands: [Create.self, Update.self, Delete.self, Status.self, Details.self, Metrics.self, Start.self, Stop.self, Scale.self]
    )

    /// `-f`/`--filename`, or the original's `--job-spec`.
    struct Spec: ParsableArguments {
        @Option(
            name: [.customShort("f"), .customLong("filename")],
            help: ArgumentHelp("JSON or YAML file with the FlinkJob spec (or a whole FlinkJob); - reads standard input.", valueName: "file"))
        var filename: String?

        @Option(help: ArgumentHelp("The same as -f (the original's option).", valueName: "file"))
        var jobSpec: String?

        func validate() throws {
            _ = try SpecFile.path(filename, jobSpec, legacy: "--job-spec")
        }

        /// The spec in the file.
        func load() throws -> Components.Schemas.FlinkJobSpec {
            try SpecFile.load(Components.Schemas.FlinkJobSpec.self, from: SpecFile.path(filename, jobSpec, legacy: "--job-spec"))
        }
    }

    /// Creates FlinkJob `<cluster>-<job>`.
    struct Create: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Create a FlinkJob from a spec file; --wait waits until it is Started.",
            discussion: """
                Examples:
                  flinkctl job create --cluster-name demo --job-name computeaverage \\
                    -f job.yaml --wait
                """
        )
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
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Replace the spec of a FlinkJob with the spec in a file.",
            discussion: """
                Examples:
                  flinkctl job update --cluster-name demo --job-name computeaverage \\
                    -f job.yaml
                  flinkctl job update --cluster-name demo --job-name computeaverage -f - < \\
                    job.json
                """
        )
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
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Delete a FlinkJob.",
            discussion: """
                Examples:
                  flinkctl job delete --cluster-name demo --job-name computeaverage
                """
        )
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.deleteJob(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Shows the status of a FlinkJob.
    struct Status: ControlPlaneCommand {
        var subject: Subject { .status(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Show the status of a FlinkJob.",
            discussion: """
                Examples:
                  flinkctl job status --cluster-name demo --job-name computeaverage -o table
                  flinkctl job status --cluster-name demo --job-name computeaverage \\
                    -o jsonpath='{.status.jobStatus}'
                """
        )
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getJobStatus(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Flink's details of the running job.
    struct Details: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Show Flink's details of a running job.",
            discussion: """
                Examples:
                  flinkctl job details --cluster-name demo --job-name computeaverage -o json
                """
        )
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getJobDetails(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }

    /// Checkpoint and restart metrics of the running job.
    struct Metrics: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Show the checkpoint and restart metrics of a running job.",
            discussion: """
                Examples:
                  flinkctl job metrics --cluster-name demo --job-name computeaverage -o table
                """
        )
        @OptionGroup var job: JobNameOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getJobMetrics(path: .init(clusterName: job.clusterName, jobName: job.jobName)) }
        }
    }
}
