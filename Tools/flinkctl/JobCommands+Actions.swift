import ArgumentParser
import ToolboxAPI

extension JobCommand {
    /// Requests START on a job.
    struct Start: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Start a FlinkJob; --wait waits until it is Started.",
            discussion: """
                Examples:
                  flinkctl job start --cluster-name demo --job-name computeaverage --wait
                  flinkctl job start --cluster-name demo --job-name computeaverage \\
                    --without-savepoint
                """
        )
        @OptionGroup var job: JobNameOptions
        @OptionGroup var savepoint: SavepointFlag
        @OptionGroup var wait: WaitOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send(
                { try await $0.startJob(path: .init(clusterName: job.clusterName, jobName: job.jobName), body: savepoint.body) },
                then: {
                    try await wait.until(.job(job.clusterName, job.jobName, status: "Started"), session: $0)
                })
        }
    }

    /// Requests STOP on a job.
    struct Stop: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Stop a FlinkJob (with a savepoint in Automatic mode, unless --without-savepoint); --wait waits until it is Stopped.",
            discussion: """
                Examples:
                  flinkctl job stop --cluster-name demo --job-name computeaverage --wait \\
                    --timeout 120
                """
        )
        @OptionGroup var job: JobNameOptions
        @OptionGroup var savepoint: SavepointFlag
        @OptionGroup var wait: WaitOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send(
                { try await $0.stopJob(path: .init(clusterName: job.clusterName, jobName: job.jobName), body: savepoint.body) },
                then: {
                    try await wait.until(.job(job.clusterName, job.jobName, status: "Stopped"), session: $0)
                })
        }
    }

    /// Sets the parallelism of a job.
    struct Scale: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkJob", name: job.resourceName) }
        static let configuration = CommandConfiguration(
            abstract: "Set the parallelism of a FlinkJob (0 suspends it); --wait waits until it runs with that parallelism.",
            discussion: """
                Examples:
                  flinkctl job scale --cluster-name demo --job-name computeaverage \\
                    --parallelism 4 --wait
                  flinkctl job scale --cluster-name demo --job-name computeaverage \\
                    --parallelism 0
                """
        )
        @OptionGroup var job: JobNameOptions
        @Option(help: "Job parallelism.") var parallelism: Int32
        @OptionGroup var wait: WaitOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func validate() throws {
            guard parallelism >= 0 else { throw ValidationError("--parallelism must be 0 or more") }
        }

        func run() async throws {
            let body = Operations.ScaleJob.Input.Body.json(.init(parallelism: parallelism))
            try await send(
                { try await $0.scaleJob(path: .init(clusterName: job.clusterName, jobName: job.jobName), body: body) },
                then: {
                    try await wait.until(.job(job.clusterName, job.jobName, parallelism: parallelism), session: $0)
                })
        }
    }
}
