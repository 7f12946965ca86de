import FlinkClient
import Foundation
import KubeClient
import Logging
import ToolboxCore

/// The supervisor's reconcile loop for one cluster: watches feed a queue with a single key; each pass observes the
/// cluster and its jobs (cache + one round of Flink calls), decides with the pure state machines of ToolboxCore,
/// stores the decided status first and then runs the decided actions.
package final class SupervisorController: Sendable {
    /// The cluster as the reflectors (or a test) keep it.
    package let cache: SupervisorCache
    /// Every Kubernetes write goes through here.
    package let client: any KubeAPI
    /// The cluster's JobManager.
    package let flink: any FlinkAPI
    let events: EventRecorder
    let bootstrapSettings: BootstrapSettings
    /// Bootstrap failures reported since the start.
    package let reports: BootstrapReports
    /// Disposal requests of expired savepoints sent since the start.
    package let savepointDisposals = SavepointDisposals()
    /// The supervisor's metrics.
    package let metrics: SupervisorMetrics
    let options: SupervisorTiming
    let logger: Logger
    /// The queue of the single key (the cluster name); watches and the API nudge it.
    package let queue: WorkQueue<String>
    /// The clock of every decision.
    package let now: @Sendable () -> Date

    /// A controller of the cluster in `cache`, writing through `client` and asking `flink`; `now` is its clock.
    package init(
        cache: SupervisorCache, client: any KubeAPI, flink: any FlinkAPI, bootstrapSettings: BootstrapSettings,
        metrics: SupervisorMetrics, timing: SupervisorTiming, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.cache = cache
        self.client = client
        self.flink = flink
        self.events = EventRecorder(client: client, component: "flink-supervisor", logger: logger, now: now)
        self.bootstrapSettings = bootstrapSettings
        self.reports = BootstrapReports()
        self.metrics = metrics
        self.queue = WorkQueue(metrics: metrics.registry.workQueueMetrics())
        self.options = timing
        self.logger = logger
        self.now = now
    }

    /// Reflectors keeping the cache in sync through `client`'s watches (the concrete client: watches are no part of
    /// `KubeAPI`); every change queues a pass.
    package func reflectors(watching client: KubeClient) -> [@Sendable () async throws -> Void] {
        let namespace = cache.namespace
        let selector = cache.ownedSelector
        let nudge: @Sendable (ObjectKey) -> Void = { [self] _ in self.nudge() }
        return [
            Reflector(client: client, namespace: namespace, store: cache.clusters, logger: logger, onChange: nudge).runner,
            Reflector(client: client, namespace: namespace, store: cache.jobs, logger: logger, onChange: nudge).runner,
            Reflector(client: client, namespace: namespace, labelSelector: selector, store: cache.pods, logger: logger, onChange: nudge).runner,
            Reflector(client: client, namespace: namespace, labelSelector: selector, store: cache.services, logger: logger, onChange: nudge).runner,
            Reflector(client: client, namespace: namespace, labelSelector: selector, store: cache.batchJobs, logger: logger, onChange: nudge).runner,
        ]
    }

    /// Queues a pass now.
    package func nudge() {
        Task { await queue.add(cache.clusterName) }
    }

    /// Runs the single worker of the shared controller runtime until cancelled.
    package func runWorker() async {
        await queue.add(cache.clusterName)
        let controller = Controller(reconciler: self, queue: queue, logger: logger) { [metrics] _, record in
            metrics.reconciled(result: record.result, duration: record.duration)
        }
        await controller.runWorkers(count: 1)
    }

    /// One pass: the cluster, then each of its jobs. Returns when to look again without an event.
    package func reconcile() async throws -> TimeInterval? {
        guard cache.hasSynced else { return 0.1 }
        guard let observed = cache.cluster else { return nil }
        let flinkView = await observeFlink()
        let clusterObservation = ClusterObservation(
            cluster: observed, jobs: cache.clusterJobs, jobManagerPods: pods(role: "jobmanager"),
            taskManagerPods: pods(role: "taskmanager"), service: cache.service, flink: flinkView, now: now(),
            taskTimeout: options.taskTimeout, pollingInterval: options.pollingInterval
        )
        let decision = ClusterStateMachine.decide(clusterObservation)
        let cluster = try await store(decision.cluster, observed: observed, in: cache.clusters)
        await record(decision.events, on: cluster, transition: decision.transition)
        try await execute(decision.actions, for: cluster)
        var recheck = decision.recheckAfter
        for job in cache.clusterJobs {
            let jobRecheck = try await reconcile(job, cluster: cluster, flinkView: flinkView)
            recheck = [recheck, jobRecheck].compactMap { $0 }.min()
        }
        savepointDisposals.keep(only: Set(cache.clusterJobs.flatMap { ($0.status?.savepointDisposals ?? []).map(\.savepoint) }))
        metrics.updateStates(cluster: cluster, jobs: cache.clusterJobs)
        return recheck
    }

    private func reconcile(_ observed: FlinkJob, cluster: FlinkCluster, flinkView: ObservedFlinkCluster?) async throws -> TimeInterval? {
        let checkpoints = await checkpoints(of: observed, reachable: flinkView != nil)
        let observation = JobObservation(
            job: observed, cluster: cluster, bootstrapSettings: bootstrapSettings, bootstrapJob: cache.bootstrapJob(of: observed),
            clusterReachable: flinkView != nil,
            flinkJobState: await jobState(of: observed, in: flinkView), savepoint: await savepoint(of: observed, reachable: flinkView != nil),
            bootstrapFailure: reports.failure(of: observed.metadata.name ?? ""), freshTriggerId: Self.newTriggerId(), now: now(),
            flinkTakesClientTriggerIds: flinkView?.takesClientTriggerIds ?? true, taskTimeout: options.taskTimeout, pollingInterval: options.pollingInterval,
            jobManagerGone: !pods(role: "jobmanager").contains { !$0.metadata.isDeleting },
            jobHealth: await jobHealth(of: observed, checkpoints: checkpoints), upgradeCheckJob: cache.upgradeCheckJob(of: observed),
            upgradePlan: reports.plan(of: observed.metadata.name ?? ""), runningVertices: await runningVertices(of: observed, checkpoints: checkpoints),
            disposals: await disposals(of: observed, reachable: flinkView != nil)
        )
        let decision = JobStateMachine.decide(observation)
        let job = try await store(decision.job, observed: observed, in: cache.jobs)
        countSavepoint(observed: observed, decided: decision.job)
        countRestart(observed: observed, decided: decision.job)
        await record(decision.events, on: job, transition: decision.transition)
        try await execute(decision.actions, for: job)
        return decision.recheckAfter
    }

    /// Counts a savepoint request that the decision closed: completed when it produced a new savepoint path.
    private func countSavepoint(observed: FlinkJob, decided: FlinkJob) {
        guard let pending = observed.status?.savepointTriggerId, !pending.isEmpty,
            (decided.status?.savepointTriggerId ?? "").isEmpty
        else { return }
        let newPath = decided.status?.savepointPath ?? ""
        let completed = !newPath.isEmpty && newPath != (observed.status?.savepointPath ?? "")
        let since = observed.status?.savepointRequestTimestamp ?? now()
        metrics.savepointFinished(job: observed.metadata.name ?? "", result: completed ? "completed" : "failed", seconds: now().timeIntervalSince(since))
    }

    /// Counts a restart of the job's Flink job: the state Flink reports entered RESTARTING.
    private func countRestart(observed: FlinkJob, decided: FlinkJob) {
        guard decided.status?.jobStatus == "RESTARTING", observed.status?.jobStatus != "RESTARTING" else { return }
        metrics.jobRestarted(job: observed.metadata.name ?? "")
    }

    /// The cluster's pods with `role`, including those being deleted (teardown waits until they are gone).
    private func pods(role: String) -> [Pod] {
        cache.pods.list().filter { $0.metadata.labels?["role"] == role }
    }

    /// A random 32-digit lower-case hex id, the shape of Flink's trigger ids.
    package static func newTriggerId() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}

/// Timing options of a supervisor.
package struct SupervisorTiming: Sendable {
    /// Seconds an unreachable JobManager is tolerated.
    package var taskTimeout: TimeInterval
    /// Seconds between Flink polls.
    package var pollingInterval: TimeInterval

    /// Timing with these two values.
    package init(taskTimeout: TimeInterval, pollingInterval: TimeInterval) {
        self.taskTimeout = taskTimeout
        self.pollingInterval = pollingInterval
    }
}

extension SupervisorController: Reconciler {
    /// One pass over the cluster (the only key).
    package func reconcile(_ key: String) async throws -> ReconcileOutcome {
        guard let recheck = try await reconcile() else { return .done }
        return ReconcileOutcome.requeue(after: .milliseconds(Int(max(recheck, 0.05) * 1000)))
    }

    /// What a pass reads besides Flink: the cluster, its jobs, and the pods, Services and batch Jobs of the cluster
    /// (with the statuses the kubelet and the Job controller write).
    package func inputs(of key: String) -> String? {
        var inputs = ReconcileInputs()
        inputs.add(cache.cluster)
        inputs.add(all: cache.clusterJobs)
        inputs.add(all: cache.pods.list(), withStatus: true)
        inputs.add(all: cache.services.list())
        inputs.add(all: cache.batchJobs.list(), withStatus: true)
        return inputs.digest
    }

    /// A failure retrying cannot fix: `Degraded` with the reason on the cluster, a Warning Event, one log line.
    package func reportTerminal(_ key: String, error: any Error, reason: String) async {
        guard var cluster = cache.cluster else { return }
        let message = "\(error)"
        await events.warning(cluster, reason: reason, message: message)
        let status = cluster.status ?? .init()
        guard let degraded = TerminalFailure.degraded(status, reason: reason, message: message, generation: cluster.metadata.generation, now: now())
        else { return }
        cluster.status = degraded
        do {
            _ = try await client.updateStatus(cluster)
        } catch {
            logger.warning("could not record the failure of FlinkCluster \(key) in its status: \(error)")
        }
    }
}

extension Reflector {
    /// The reflector's run loop as a closure.
    var runner: @Sendable () async throws -> Void { { try await self.run() } }
}
