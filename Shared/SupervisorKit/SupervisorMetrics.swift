import KubeClient
import Prometheus
import ServiceKit
import Synchronization
import ToolboxCore

/// The supervisor's metrics: cluster and job states, savepoints, restarts, reconciles and Flink request latencies.
/// Per-job series carry the labels `cluster` and `flink_job` (not `job`, which Prometheus sets on every target).
package struct SupervisorMetrics: Sendable {
    /// Where the metrics are registered.
    package let registry: MetricsRegistry
    /// The supervised cluster (a label of every metric).
    package let cluster: String
    /// `toolbox_leader`.
    package let leader: Gauge

    /// The metrics of cluster `cluster` in `registry`.
    package init(registry: MetricsRegistry, cluster: String) {
        self.registry = registry
        self.cluster = cluster
        leader = registry.gauge("toolbox_leader", help: "1 while this supervisor replica leads, else 0.")
    }

    /// The per-job series made so far, so that a job's series go when the job does.
    private let jobSeries = JobSeries()

    private static let states = ["Unknown", "Starting", "Started", "Stopping", "Stopped", "Terminated"]

    /// `flink_supervisor_cluster_status` (1 for the cluster's state), `flink_supervisor_job_status` (jobs per state) and
    /// the per-job gauges (`updateJobs`).
    func updateStates(cluster object: FlinkCluster, jobs: [FlinkJob]) {
        let clusterState = object.status?.supervisorStatus?.rawValue ?? "Unknown"
        let jobStates = jobs.map { $0.status?.supervisorStatus?.rawValue ?? "Unknown" }
        for state in Self.states {
            registry.gauge(
                "flink_supervisor_cluster_status", help: "1 for the supervised cluster's current state.", labels: [("cluster", cluster), ("status", state)]
            )
            .set(clusterState == state ? 1.0 : 0.0)
            registry.gauge("flink_supervisor_job_status", help: "The cluster's FlinkJobs by state.", labels: [("cluster", cluster), ("status", state)])
                .set(Double(jobStates.filter { $0 == state }.count))
        }
        updateJobs(jobs)
    }

    /// Per job: `flink_supervisor_job_running` (1 while Flink reports the job RUNNING),
    /// `flink_supervisor_savepoint_interval_seconds` (the periodic interval in Automatic mode, else 0),
    /// `flink_supervisor_savepoint_timestamp_seconds` (when its latest savepoint completed; absent before the first),
    /// and the job's restart and savepoint counters at 0 from the start (so that `increase()` sees their first
    /// increment). Every series of a job that is gone is removed.
    func updateJobs(_ jobs: [FlinkJob]) {
        jobSeries.retain(jobs: Set(jobs.map { $0.metadata.name ?? "" })).forEach(unregister)
        for job in jobs {
            let name = job.metadata.name ?? ""
            let labels = [("cluster", cluster), ("flink_job", name)]
            let savepoint = job.spec.savepoint
            let running = registry.gauge("flink_supervisor_job_running", help: "1 while Flink reports the job RUNNING, else 0.", labels: labels)
            running.set(job.status?.jobStatus == "RUNNING" ? 1.0 : 0.0)
            jobSeries.keep(name, "running", .gauge(running))
            let interval = registry.gauge(
                "flink_supervisor_savepoint_interval_seconds", help: "Seconds between the job's periodic savepoints (0: none, Manual mode or no interval).",
                labels: labels)
            interval.set(savepoint.savepointMode == .automatic ? Double(savepoint.savepointInterval) : 0)
            jobSeries.keep(name, "interval", .gauge(interval))
            if let completed = job.status?.savepointTimestamp {
                let timestamp = registry.gauge(
                    "flink_supervisor_savepoint_timestamp_seconds", help: "Unix time of the job's latest savepoint (absent before its first).", labels: labels)
                timestamp.set(completed.timeIntervalSince1970)
                jobSeries.keep(name, "timestamp", .gauge(timestamp))
            } else if let gone = jobSeries.drop(name, "timestamp") {
                unregister(gone)
            }
            for result in ["completed", "failed", "rejected"] { jobSeries.keep(name, "savepoints-\(result)", .counter(savepoints(job: name, result: result))) }
            jobSeries.keep(name, "restarts", .counter(restarts(job: name)))
        }
    }

    private func unregister(_ series: JobSeries.Series) {
        switch series {
        case .gauge(let gauge): registry.registry.unregisterGauge(gauge)
        case .counter(let counter): registry.registry.unregisterCounter(counter)
        case .histogram(let histogram): registry.registry.unregisterDurationHistogram(histogram)
        }
    }

    /// Counts a restart of the job's Flink job (its state entered RESTARTING).
    func jobRestarted(job: String) {
        restarts(job: job).increment()
    }

    private func restarts(job: String) -> Counter {
        registry.counter(
            "flink_supervisor_job_restarts_total", help: "Restarts of the job's Flink job seen by the supervisor (its state entered RESTARTING).",
            labels: [("cluster", cluster), ("flink_job", job)]
        )
    }

    /// Counts a state transition.
    func transition(kind: String, to state: String) {
        registry.counter("flink_supervisor_transitions_total", help: "State transitions by kind and target state.", labels: [("kind", kind), ("to", state)])
            .increment()
    }

    /// Counts a savepoint request Flink accepted.
    func savepointRequested(job: String, stop: Bool) {
        let requests = registry.counter(
            "flink_supervisor_savepoint_requests_total", help: "Savepoint requests sent to Flink.",
            labels: [("cluster", cluster), ("flink_job", job), ("stop", String(stop))]
        )
        requests.increment()
        jobSeries.keep(job, "requests-\(stop)", .counter(requests))
    }

    /// Counts a savepoint request Flink refused (`result="rejected"`).
    func savepointRejected(job: String) {
        savepoints(job: job, result: "rejected").increment()
    }

    /// Counts a finished savepoint (`completed` or `failed`) and records how long it took from request to result.
    func savepointFinished(job: String, result: String, seconds: Double) {
        savepoints(job: job, result: result).increment()
        let duration = registry.durationHistogram(
            "flink_supervisor_savepoint_duration_seconds", help: "Time from savepoint request to its result.",
            labels: [("cluster", cluster), ("flink_job", job), ("result", result)], buckets: MetricsRegistry.savepointBuckets
        )
        duration.record(.milliseconds(Int64(seconds * 1000)))
        jobSeries.keep(job, "duration-\(result)", .histogram(duration))
    }

    private func savepoints(job: String, result: String) -> Counter {
        registry.counter(
            "flink_supervisor_savepoints_total",
            help: "Savepoint requests by result: completed, failed (Flink answered with a failure), rejected (not accepted).",
            labels: [("cluster", cluster), ("flink_job", job), ("result", result)]
        )
    }

    /// Counts one pass and records its duration.
    func reconciled(result: String, duration: Duration) {
        registry.counter("toolbox_reconcile_total", help: "Reconcile passes by result.", labels: [("kind", "FlinkCluster"), ("result", result)]).increment()
        registry.durationHistogram("toolbox_reconcile_duration_seconds", help: "Duration of reconcile passes.", labels: [("kind", "FlinkCluster")]).record(
            duration)
    }

    /// Records one Flink REST call.
    func flinkRequest(operation: String, outcome: String, duration: Duration) {
        registry.durationHistogram(
            "flink_supervisor_flink_request_duration_seconds", help: "Flink REST calls by operation and outcome.",
            labels: [("operation", operation), ("outcome", outcome)]
        )
        .record(duration)
    }

    /// Records one Kubernetes API request (count and latency).
    package func kubeRequest(_ record: KubeRequestRecord) {
        registry.recordKubeRequest(record)
    }
}

/// The per-job series a supervisor has made, by job name and a key of the series within the job.
final class JobSeries: Sendable {
    /// One series (a metric with its labels).
    enum Series: Sendable {
        case gauge(Gauge)
        case counter(Counter)
        case histogram(DurationHistogram)
    }

    private let series = Mutex<[String: [String: Series]]>([:])

    /// Remembers `series` of `job` under `key`.
    func keep(_ job: String, _ key: String, _ series: Series) {
        self.series.withLock { $0[job, default: [:]][key] = series }
    }

    /// Forgets the series of `job` under `key`; returns it, to unregister.
    func drop(_ job: String, _ key: String) -> Series? {
        series.withLock { $0[job]?.removeValue(forKey: key) }
    }

    /// Forgets the series of every job not in `jobs`; returns them, to unregister.
    func retain(jobs: Set<String>) -> [Series] {
        series.withLock { series in
            let gone = series.keys.filter { !jobs.contains($0) }
            return gone.flatMap { series.removeValue(forKey: $0)?.values.map { $0 } ?? [] }
        }
    }
}
