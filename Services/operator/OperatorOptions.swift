import ArgumentParser
import KubeClient
import ToolboxCore

/// The operator's Kubernetes options.
struct OperatorOptions: ParsableArguments {
    @Option(
        help:
            "The operator's own namespace: its leader-election Lease, the namespace of the control plane's routes, and the one managed when neither --namespaces nor --all-namespaces is given."
    )
    var namespace: String = "default"

    @Option(
        name: .customLong("namespaces"),
        help: "Namespaces whose FlinkDeployments, FlinkClusters and FlinkJobs are managed, comma-separated or repeated (default: --namespace)."
    )
    var namespaces: [String] = []

    @Flag(help: "Manage FlinkDeployments, FlinkClusters and FlinkJobs in every namespace (cluster-wide watches; needs a ClusterRole).")
    var allNamespaces = false

    /// The managed namespaces (`validate()` refused inconsistent options).
    var watched: WatchedNamespaces {
        (try? WatchedNamespaces.parse(own: namespace, list: namespaces, all: allNamespaces)) ?? .only([namespace])
    }

    @Option(name: .customLong("kube-config"), help: "kubeconfig file; in-cluster configuration (or $KUBECONFIG) when absent.")
    var kubeConfig: String?

    @Option(
        help:
            "Secret (PEM tls.crt, tls.key, ca.crt, or the original's keystore.jks, truststore.jks, keystore-secret, truststore-secret) the supervisors use for mutual TLS; plain HTTP when absent."
    )
    var supervisorTLSSecret: String?

    @Option(
        help:
            "Secret (same forms) the supervisors mount into bootstrap Jobs, with a certificate of role bootstrap (default: --supervisor-tls-secret)."
    )
    var bootstrapTLSSecret: String?

    @Option(help: "Name of the Lease used for leader election.")
    var leaseName: String = "flink-operator-leader"

    @Option(help: "Identity in the Lease (default: operator-<host>-<pid>).")
    var identity: String?

    @Option(help: "Lease duration in seconds.")
    var leaseDuration: Double = 15

    @Option(help: "Seconds the leader keeps trying to renew before it gives up.")
    var renewDeadline: Double = 10

    @Option(help: "Seconds between attempts to acquire or renew the lease.")
    var retryPeriod: Double = 2

    @Option(help: "Concurrent reconcile workers.")
    var workers: Int = 2

    @Option(help: "Seconds between full resyncs (a safety net; changes are acted on at once).")
    var resyncSeconds: Int = 300

    @Option(
        help:
            "Seconds a deleted FlinkCluster waits for a supervisor with no ready pod before the operator releases the supervisor's finalizer (docs/teardown.md)."
    )
    var supervisorAbandonAfter: Double = 120

    @Option(help: "Seconds between a supervisor's Flink polls, for clusters whose spec.supervisor sets no pollingInterval (the original's option).")
    var pollingInterval: Int = 5

    @Option(help: "A supervisor's task timeout in seconds, for clusters whose spec.supervisor sets no taskTimeout (the original's option).")
    var taskTimeout: Int = 300

    @Flag(help: "Create supervisors with zero replicas.")
    var dryRun = false

    /// Leader election timing from the options.
    var timing: LeaderElectionTiming {
        LeaderElectionTiming(
            leaseDuration: .milliseconds(Int(leaseDuration * 1000)), renewDeadline: .milliseconds(Int(renewDeadline * 1000)),
            retryPeriod: .milliseconds(Int(retryPeriod * 1000))
        )
    }

    func validate() throws {
        do { _ = try WatchedNamespaces.parse(own: namespace, list: namespaces, all: allNamespaces) } catch { throw ValidationError(error.description) }
        guard renewDeadline < leaseDuration else { throw ValidationError("--renew-deadline must be shorter than --lease-duration") }
        guard retryPeriod > 0, workers > 0, resyncSeconds > 0 else { throw ValidationError("--retry-period, --workers and --resync-seconds must be positive") }
        guard pollingInterval > 0, taskTimeout > 0 else { throw ValidationError("--polling-interval and --task-timeout must be positive") }
    }
}
