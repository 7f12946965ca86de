import ArgumentParser
import Foundation
import KubeClient

/// The supervisor's options: which cluster, how often Flink is polled, and the Kubernetes connection.
struct SupervisorOptions: ParsableArguments {
    @Option(help: "Namespace of the supervised FlinkCluster.")
    var namespace: String = "default"

    @Option(help: "Name of the supervised FlinkCluster.")
    var clusterName: String

    @Option(name: .customLong("kube-config"), help: "kubeconfig file; in-cluster configuration (or $KUBECONFIG) when absent.")
    var kubeConfig: String?

    @Option(help: "Seconds between Flink polls while a job runs or the supervisor waits on Flink (clamped to 1...60).")
    var pollingInterval: Double = 5

    @Option(help: "Seconds an unreachable JobManager is tolerated before the cluster is unhealthy.")
    var taskTimeout: Double = 300

    @Option(
        help:
            "Secret (PEM tls.crt, tls.key, ca.crt, or the original's keystore.jks, truststore.jks, keystore-secret, truststore-secret) mounted into bootstrap Jobs so they can report over mutual TLS."
    )
    var tlsSecret: String?

    @Option(help: "URL bootstrap Jobs report to (default: https://supervisor-<cluster>.<namespace>:4445, the supervisor's Service, or http:// without TLS).")
    var supervisorURL: String?

    @Option(help: "URL of the JobManager REST API (default: http://jobmanager-<cluster>.<namespace>:8081).")
    var jobManagerURL: String?

    @Option(help: "Identity in the Lease (default: supervisor-<host>-<pid>).")
    var identity: String?

    @Option(help: "Lease duration in seconds (leader election among the supervisor's replicas).")
    var leaseDuration: Double = 15

    @Flag(help: "Create bootstrap Jobs with zero completions (the original's dry run).")
    var dryRun = false

    /// The polling interval as a duration, clamped.
    var polling: TimeInterval { min(max(pollingInterval, 1), 60) }

    /// The JobManager REST URL.
    var flinkURL: String { jobManagerURL ?? "http://jobmanager-\(clusterName).\(namespace):8081" }

    /// The name of the supervisor's Lease.
    var leaseName: String { "leader-election-supervisor-\(clusterName)" }

    /// Leader election timing from the options.
    var timing: LeaderElectionTiming {
        let lease = max(leaseDuration, 2)
        return LeaderElectionTiming(
            leaseDuration: .milliseconds(Int(lease * 1000)), renewDeadline: .milliseconds(Int(lease * 700)),
            retryPeriod: .milliseconds(Int(lease * 150))
        )
    }

    func validate() throws {
        guard !clusterName.isEmpty else { throw ValidationError("--cluster-name must not be empty") }
        guard pollingInterval > 0, taskTimeout > 0 else { throw ValidationError("--polling-interval and --task-timeout must be positive") }
    }
}
