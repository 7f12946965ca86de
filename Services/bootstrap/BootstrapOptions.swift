import ArgumentParser
import BootstrapKit
import ToolboxCore

/// What to bootstrap: the job, its JAR and arguments, and where to find Flink and the supervisor.
struct BootstrapOptions: ParsableArguments {
    @Option(help: "Namespace of the FlinkJob.")
    var namespace: String = "default"

    @Option(help: "Name of the FlinkCluster the job runs in.")
    var clusterName: String

    @Option(help: "Name of the job within its cluster.")
    var jobName: String

    @Option(help: "Path of the JAR file in this container.")
    var jarPath: String

    @Option(help: "Main class of the job.")
    var className: String

    @Option(help: "Parallelism of the job.")
    var parallelism: Int = 1

    @Option(parsing: .unconditional, help: "Savepoint to restore the job's state from.")
    var savepointPath: String?

    @Option(name: .customLong("argument"), parsing: .unconditionalSingleValue, help: "An argument of the job's main method (repeat for more).")
    var arguments: [String] = []

    @Option(
        name: .customLong("flink-config"), parsing: .unconditionalSingleValue,
        help: "A Flink configuration option for this job, key=value (repeat for more; Flink 1.17+ applies them, older ones are told nothing)."
    )
    var flinkConfig: [String] = []

    @Option(name: .customLong("jobmanager-url"), help: "URL of the JobManager REST API (default: http://jobmanager-<cluster>.<namespace>:8081).")
    var jobManagerURL: String?

    @Option(
        name: .customLong("supervisor-url"),
        help: "URL of the supervisor's API the outcome is reported to (default: the supervisor-<cluster> Service of the namespace, https with --tls-*)."
    )
    var supervisorURL: String?

    @Option(help: "Attempts of each step (upload, run, report) before the bootstrap gives up.")
    var attempts: Int = 5

    @Option(help: "Seconds between attempts.")
    var retryDelay: Double = 2

    @Flag(help: "Do nothing (the original's dry run).")
    var dryRun = false

    @Flag(help: "Only ask Flink for the job's plan and report its vertices (the upgrade's restore-compatibility check); never run the job.")
    var planOnly = false

    @Option(help: "Digest of the bootstrap spec a plan-only bootstrap checks, echoed in its report.")
    var bootstrapDigest: String?

    @Flag(help: "Let a job restored from a savepoint skip state of operators it no longer has.")
    var allowNonRestoredState = false

    @Option(
        help: ArgumentHelp(
            "Flink job id of this start: 32 hex digits or a UUID (the supervisor gives its bootstrap Job's uid, so every attempt of one start submits one id, which Flink runs at most once). Empty or absent: a new id (a Kubernetes before 1.27 has no such label).",
            valueName: "id"))
    var flinkJobId: String?

    /// What the runner does.
    var plan: BootstrapPlan {
        BootstrapPlan(
            clusterName: clusterName, jobName: jobName, jarPath: jarPath, className: className, parallelism: parallelism,
            savepointPath: savepointPath, arguments: arguments, attempts: attempts, retryDelay: retryDelay, dryRun: dryRun,
            flinkConfiguration: Dictionary(flinkConfig.map(Self.option), uniquingKeysWith: { _, last in last }),
            planOnly: planOnly, bootstrapDigest: bootstrapDigest, allowNonRestoredState: allowNonRestoredState,
            flinkJobId: flinkJobId.flatMap { $0.isEmpty ? nil : BootstrapPlan.flinkJobId(from: $0) }
        )
    }

    /// `key=value` as a pair (a value may contain `=`; no `=` gives an empty value).
    static func option(_ text: String) -> (String, String) {
        guard let equals = text.firstIndex(of: "=") else { return (text, "") }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// The JobManager REST API: `--jobmanager-url`, else the cluster's JobManager Service in the namespace (the
    /// original's bootstrap took only namespace and cluster name).
    var resolvedJobManagerURL: String {
        jobManagerURL ?? "http://\(JobManagerResources.rpcAddress(cluster: clusterName)).\(namespace):\(JobManagerResources.restPort)"
    }

    /// The supervisor's API: `--supervisor-url`, else the cluster's supervisor Service in the namespace.
    func resolvedSupervisorURL(tls: Bool) -> String {
        supervisorURL ?? SupervisorAPIService.url(cluster: clusterName, namespace: namespace, tls: tls)
    }

    func validate() throws {
        guard parallelism > 0 else { throw ValidationError("--parallelism must be positive") }
        guard attempts > 0, retryDelay >= 0 else { throw ValidationError("--attempts must be positive and --retry-delay not negative") }
        if let flinkJobId, !flinkJobId.isEmpty, BootstrapPlan.flinkJobId(from: flinkJobId) == nil {
            throw ValidationError("--flink-job-id must be 32 hex digits or a UUID, not '\(flinkJobId)'")
        }
    }
}
