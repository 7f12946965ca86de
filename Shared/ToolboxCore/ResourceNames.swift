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
    /// The bootstrap batch Job of a job: `bootstrap-<cluster>-<job>`, shortened by `bounded` when longer than 63.
    public static func bootstrapJob(cluster: String, job: String) -> String { bounded("bootstrap-\(cluster)-\(job)") }
    /// The plan-only bootstrap batch Job of a job's restore-compatibility check: `bootstrap-<cluster>-<job>-plan`,
    /// shortened by `bounded` when longer than 63.
    public static func upgradeCheckJob(cluster: String, job: String) -> String { bounded("bootstrap-\(cluster)-\(job)-plan") }

    /// Longest name of a batch Job: its name becomes the `job-name` label of its pods, and a label value is at most 63.
    public static let maxJobNameLength = 63

    /// `name` if it is at most 63 characters, else its first 54 characters, '-' and 8 hex digits of its FNV-1a hash:
    /// every cluster and job name the CRDs admit gives a valid Job name, distinct names stay distinct (but for a hash
    /// collision), and the same name always gives the same result, in every process.
    public static func bounded(_ name: String) -> String {
        guard name.utf8.count > maxJobNameLength else { return name }
        var hash: UInt32 = 0x811c_9dc5
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let digits = String(hash, radix: 16)
        let suffix = String(repeating: "0", count: 8 - digits.count) + digits
        return String(name.utf8.prefix(maxJobNameLength - 9))! + "-" + suffix
    }

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
