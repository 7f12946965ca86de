/// Names and labels of the objects the toolbox creates (section 2 of the behaviour reference).
public enum ResourceNames {
    /// Value of the `owner` label on everything the toolbox creates.
    public static let owner = "flink-operator"
    /// Finalizer the operator puts on its resources.
    public static let operatorFinalizer = "operator.nextbreakpoint.com"
    /// Finalizer a supervisor puts on its cluster and jobs.
    public static let supervisorFinalizer = "supervisor.nextbreakpoint.com"

    /// FlinkJob name of job `job` in cluster (or deployment) `cluster`: `<cluster>-<job>`.
    public static func flinkJob(cluster: String, job: String) -> String { "\(cluster)-\(job)" }
    /// The JobManager Service of a cluster.
    public static func jobManagerService(cluster: String) -> String { "jobmanager-\(cluster)" }
    /// The supervisor Deployment of a cluster.
    public static func supervisorDeployment(cluster: String) -> String { "supervisor-\(cluster)" }
    /// The Service in front of a cluster's supervisor (same name as its Deployment), the bootstraps' stable address.
    public static func supervisorService(cluster: String) -> String { "supervisor-\(cluster)" }
    /// The bootstrap batch Job of a job.
    public static func bootstrapJob(cluster: String, job: String) -> String { "bootstrap-\(cluster)-\(job)" }
    /// The plan-only bootstrap batch Job of a job's restore-compatibility check.
    public static func upgradeCheckJob(cluster: String, job: String) -> String { "bootstrap-\(cluster)-\(job)-plan" }

    /// The label selector written into the scale subresources' status.
    public static func labelSelector(cluster: String) -> String {
        "clusterName=\(cluster),owner=\(owner),component=flink"
    }

    /// Whether `name` is a valid DNS-1123 label (what Kubernetes accepts as these objects' names).
    public static func isValidName(_ name: String) -> Bool {
        guard (1...63).contains(name.utf8.count) else { return false }
        let bytes = Array(name.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool { (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte) }
        return alphanumeric(bytes.first!) && alphanumeric(bytes.last!) && bytes.allSatisfy { alphanumeric($0) || $0 == 0x2d }
    }
}
