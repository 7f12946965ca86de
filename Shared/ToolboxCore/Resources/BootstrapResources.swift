import KubeModels
import ToolboxAPI

/// How a supervisor runs bootstrap Jobs: what every bootstrap Job of the supervisor shares.
public struct BootstrapSettings: Sendable, Hashable {
    /// URL of the supervisor's internal API, which the bootstrap process reports to.
    public var supervisorURL: String
    /// Secret for mutual TLS with the supervisor (PEM or the original's keystores, see `SupervisorSettings`);
    /// plain HTTP when `nil`.
    public var tlsSecretName: String?
    /// Zero completions and `--dry-run` (the original's dry run).
    public var dryRun: Bool

    /// Settings for bootstrap Jobs.
    public init(supervisorURL: String, tlsSecretName: String? = nil, dryRun: Bool = false) {
        self.supervisorURL = supervisorURL
        self.tlsSecretName = tlsSecretName
        self.dryRun = dryRun
    }
}

/// Builds the batch Job that uploads and runs a job's JAR (sections 3 and 11 of the behaviour reference).
public enum BootstrapResources {
    /// Role label value of bootstrap Jobs and their pods.
    public static let role = "bootstrap"

    /// The short name `<j>` of `job` in cluster `cluster`: its `jobName` label, else its name without `<cluster>-`.
    public static func jobName(of job: FlinkJob, cluster: String) -> String {
        if let label = job.metadata.labels?["jobName"], !label.isEmpty { return label }
        let name = job.metadata.name ?? ""
        let prefix = "\(cluster)-"
        return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
    }

    /// Labels of the bootstrap Job of job `job` in `cluster` and of its pod.
    public static func labels(cluster: String, job: String) -> [String: String] {
        ToolboxLabels.job(cluster: cluster, job: job).merging(["role": role]) { _, new in new }
    }

    /// Role label value of the plan-only bootstrap Jobs of the restore-compatibility check, and of their pods.
    public static let upgradeCheckRole = "upgrade-check"

    /// The Job `bootstrap-<cluster>-<job>`, owned by the FlinkJob; the supervisor deletes it when done.
    ///
    /// Its Flink job id is the Job's uid (`--flink-job-id`, from the `batch.kubernetes.io/controller-uid` label the
    /// Job controller puts on its pods): every container restart and pod of one start submits the same id, and Flink
    /// runs an id at most once, so a bootstrap killed between its run call and its report cannot start the job twice.
    /// Each start creates a new Job, hence a new id.
    public static func batchJob(for job: FlinkJob, cluster: FlinkCluster, settings: BootstrapSettings) -> BatchJob {
        let clusterName = cluster.metadata.name ?? ""
        let name = ResourceNames.bootstrapJob(cluster: clusterName, job: jobName(of: job, cluster: clusterName))
        let runArguments = arguments(for: job, cluster: cluster, settings: settings) + ["--flink-job-id", "$(\(jobUIDVariable))"]
        return batchJob(
            name: name, role: role, arguments: runArguments, for: job, cluster: cluster, settings: settings,
            env: [ContainerAssembly.fieldEnv(jobUIDVariable, "metadata.labels['\(controllerUIDLabel)']")])
    }

    /// The label the Job controller puts on a Job's pods: the Job's uid.
    public static let controllerUIDLabel = "batch.kubernetes.io/controller-uid"
    /// The bootstrap container's variable holding its Job's uid.
    public static let jobUIDVariable = "BOOTSTRAP_JOB_UID"

    /// The plan-only Job `bootstrap-<cluster>-<job>-plan` (role `upgrade-check`) of the restore-compatibility check:
    /// it asks Flink for the plan of `job`'s bootstrap spec and reports it with `digest`; it never runs the job.
    public static func upgradeCheckJob(for job: FlinkJob, cluster: FlinkCluster, settings: BootstrapSettings, digest: String) -> BatchJob {
        let clusterName = cluster.metadata.name ?? ""
        let name = ResourceNames.upgradeCheckJob(cluster: clusterName, job: jobName(of: job, cluster: clusterName))
        var planned = job
        planned.status?.savepointPath = ""
        let planArguments = arguments(for: planned, cluster: cluster, settings: settings) + ["--plan-only", "--bootstrap-digest", digest]
        var batch = batchJob(name: name, role: upgradeCheckRole, arguments: planArguments, for: job, cluster: cluster, settings: settings)
        batch.metadata.annotations = [digestAnnotation: digest]
        return batch
    }

    /// Annotation of a plan-only Job: the digest of the bootstrap spec it checks.
    public static let digestAnnotation = "flink-operator/bootstrap-digest"

    private static func batchJob(
        name: String, role: String, arguments: [String], for job: FlinkJob, cluster: FlinkCluster, settings: BootstrapSettings,
        env: [JSONValue] = []
    ) -> BatchJob {
        let clusterName = cluster.metadata.name ?? ""
        let labels = ToolboxLabels.job(cluster: clusterName, job: jobName(of: job, cluster: clusterName)).merging(["role": role]) { _, new in new }
        var metadata = ObjectMeta(name: name, namespace: cluster.metadata.namespace, labels: labels)
        metadata.ownerReferences = ContainerAssembly.ownerReferences(to: job)
        let spec: JSONValue = [
            "completions": .number(settings.dryRun ? 0 : 1),
            "parallelism": 1,
            "backoffLimit": 3,
            // Kept 10 minutes after it finished (its logs explain a failed start), then removed by Kubernetes; the
            // supervisor moves to Started on the reported job id, not on the Job, so the removal changes nothing.
            "ttlSecondsAfterFinished": 600,
            "template": [
                "metadata": ["labels": ContainerAssembly.labelsValue(labels)],
                "spec": podSpec(for: job, arguments: arguments, env: env, labels: labels, settings: settings),
            ],
        ]
        return BatchJob(metadata: metadata, spec: spec)
    }

    private static func podSpec(
        for job: FlinkJob, arguments: [String], env: [JSONValue], labels: [String: String], settings: BootstrapSettings
    ) -> JSONValue {
        let bootstrap = job.spec.bootstrap
        var container: JSONValue = [
            "name": "bootstrap",
            "image": .string(bootstrap.image),
            "imagePullPolicy": .string(bootstrap.pullPolicy?.rawValue ?? "IfNotPresent"),
            "args": ContainerAssembly.strings(arguments),
            "env": .array(ContainerAssembly.podIdentityEnv + env),
            "resources": ContainerAssembly.encoded(bootstrap.resources) ?? SupervisorDeployment.defaultResources,
        ]
        container["securityContext"] = PodSecurity.toolboxContainer(overriddenBy: ContainerAssembly.encoded(bootstrap.securityContext))
        var pod: JSONValue = [
            "serviceAccountName": .string(bootstrap.serviceAccount ?? "default"),
            "restartPolicy": "OnFailure",
            "affinity": [
                "podAffinity": [
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        ContainerAssembly.weightedHostTerm(weight: 100, labels: labels)
                    ]
                ]
            ],
        ]
        // The bootstrap reports to its supervisor and calls no Kubernetes API.
        ContainerAssembly.set("automountServiceAccountToken", PodSecurity.automountToken(serviceAccount: bootstrap.serviceAccount), in: &pod)
        var mounts: [JSONValue] = []
        var volumes: [JSONValue] = []
        if let secret = settings.tlsSecretName {
            mounts.append(["name": "tls", "mountPath": .string(SupervisorDeployment.tlsDirectory), "readOnly": true])
            volumes.append(["name": "tls", "secret": ["secretName": .string(secret)]])
        }
        container["volumeMounts"] = .array(mounts + [PodSecurity.temporaryMount])
        pod["volumes"] = .array(volumes + [PodSecurity.temporaryVolume])
        pod["containers"] = [container]
        ContainerAssembly.set("imagePullSecrets", ContainerAssembly.pullSecrets(bootstrap.pullSecrets), in: &pod)
        return pod
    }

    /// Flink's option (1.11 to 2.x) that keeps a job's externalized checkpoints when it is cancelled.
    public static let checkpointRetentionOption = "execution.checkpointing.externalized-checkpoint-retention"

    /// The bootstrap process's command line, led by the executable's name as the original wrote it (`bootstrap run ...`):
    /// a job image built `FROM` the all-in-one image runs flinkctl, which dispatches on it; the bootstrap executable
    /// accepts and skips it.
    public static func arguments(for job: FlinkJob, cluster: FlinkCluster, settings: BootstrapSettings) -> [String] {
        let clusterName = cluster.metadata.name ?? ""
        let bootstrap = job.spec.bootstrap
        var arguments = [
            "bootstrap", "run", "--namespace", cluster.metadata.namespace ?? "default", "--cluster-name", clusterName,
            "--job-name", jobName(of: job, cluster: clusterName), "--jar-path", bootstrap.jarPath, "--class-name", bootstrap.className,
            "--parallelism", String(job.status?.jobParallelism ?? 0), "--jobmanager-url", JobManagerResources.restURL(cluster: clusterName),
            "--supervisor-url", settings.supervisorURL,
        ]
        if let savepointPath = job.status?.savepointPath, !savepointPath.isEmpty {
            arguments += ["--savepoint-path", savepointPath]
            if job.spec.savepoint.allowNonRestoredState == true { arguments.append("--allow-non-restored-state") }
        }
        for argument in bootstrap.arguments ?? [] { arguments += ["--argument", argument] }
        if job.spec.savepoint.upgradeMode == .lastState {
            // last-state restores retained checkpoints: Flink must keep them when the job is cancelled or lost.
            arguments += ["--flink-config", "\(checkpointRetentionOption)=RETAIN_ON_CANCELLATION"]
        }
        if settings.tlsSecretName != nil { arguments += ["--tls-dir", SupervisorDeployment.tlsDirectory] }
        if settings.dryRun { arguments.append("--dry-run") }
        return arguments
    }
}
