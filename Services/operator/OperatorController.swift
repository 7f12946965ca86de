import Foundation
import KubeClient
import Logging
import ToolboxCore

/// The operator's reconcile loop: watches feed a work queue of keys; workers decide with the pure reconcilers of
/// ToolboxCore and execute the plans. Only the leader runs workers; every replica keeps its cache for the control plane.
final class OperatorController: Sendable {
    let cache: OperatorCache
    let client: KubeClient
    let events: EventRecorder
    let settings: SupervisorSettings
    let metrics: OperatorMetrics
    let logger: Logger
    let queue = WorkQueue<ReconcileKey>()
    let now: @Sendable () -> Date

    init(cache: OperatorCache, client: KubeClient, settings: SupervisorSettings, metrics: OperatorMetrics, logger: Logger) {
        self.cache = cache
        self.client = client
        self.events = EventRecorder(client: client, component: "flink-operator", logger: logger)
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.now = { Date() }
    }

    /// Reflectors keeping the cache in sync; each change enqueues the keys it affects.
    func reflectors() -> [@Sendable () async throws -> Void] {
        let namespace = cache.namespace
        return [
            Reflector(client: client, namespace: namespace, store: cache.deployments, logger: logger, onInvalid: invalid) { [self] key in
                enqueue(.deployment(key.name))
            }.runner,
            Reflector(client: client, namespace: namespace, store: cache.clusters, logger: logger, onInvalid: invalid) { [self] key in
                enqueue(.cluster(key.name))
                enqueue(.deployment(key.name))
                jobNames(ofCluster: key.name).forEach { enqueue(.job($0)) }
                statusGaugesChanged()
            }.runner,
            Reflector(client: client, namespace: namespace, store: cache.jobs, logger: logger, onInvalid: invalid) { [self] key in
                enqueue(.job(key.name))
                deployments(prefixing: key.name).forEach { enqueue(.deployment($0)) }
                statusGaugesChanged()
            }.runner,
            Reflector(client: client, namespace: namespace, labelSelector: OperatorCache.supervisorSelector, store: cache.supervisors, logger: logger) {
                [self] key in
                let cluster = String(key.name.dropFirst("supervisor-".count))
                enqueue(.cluster(cluster))
                jobNames(ofCluster: cluster).forEach { enqueue(.job($0)) }
            }.runner,
            Reflector(client: client, namespace: namespace, labelSelector: OperatorCache.supervisorSelector, store: cache.supervisorPods, logger: logger) {
                _ in
            }.runner,
            Reflector(client: client, namespace: namespace, labelSelector: OperatorCache.supervisorSelector, store: cache.supervisorServices, logger: logger) {
                [self] key in
                enqueue(.cluster(String(key.name.dropFirst("supervisor-".count))))
            }.runner,
        ]
    }

    /// Queues a key for reconciliation.
    func enqueue(_ key: ReconcileKey) {
        Task { await queue.add(key) }
    }

    /// Queues every known object (on gaining leadership, and as the slow safety-net resync).
    func enqueueAll() async {
        for deployment in cache.deployments.list() { await queue.add(.deployment(deployment.metadata.name ?? "")) }
        for cluster in cache.clusters.list() { await queue.add(.cluster(cluster.metadata.name ?? "")) }
        for job in cache.jobs.list() { await queue.add(.job(job.metadata.name ?? "")) }
    }

    private func invalid(_ failure: DecodeFailure) {
        logger.warning("cannot read \(failure.key): \(failure.message)")
    }

    private func statusGaugesChanged() {
        metrics.updateStatusGauges(clusters: Array(cache.clusters.snapshot().values), jobs: Array(cache.jobs.snapshot().values))
    }

    // The watch callbacks run for every event, so they read unsorted snapshots: `ObjectStore.list()` sorts the whole
    // store on each call, which made every event O(n log n) and the 1,000-deployment bench operator-bound.

    /// The names of the jobs of `cluster` (the rule of `OperatorCache.jobs(ofCluster:)`), in no particular order.
    private func jobNames(ofCluster cluster: String) -> [String] {
        let jobs = cache.jobs.snapshot()
        guard !jobs.isEmpty else { return [] }
        let clusterNames = cache.clusters.snapshot().keys.map(\.name)
        return jobs.values.filter { JobClusterResolver.clusterName(of: $0, clusters: clusterNames) == cluster }.compactMap(\.metadata.name)
    }

    /// The cached deployments `d` such that `jobName` starts with `d-`: each prefix of `jobName` that ends before a `-`.
    private func deployments(prefixing jobName: String) -> [String] {
        jobName.indices.filter { jobName[$0] == "-" }.map { String(jobName[..<$0]) }.filter { cache.deployments.get(cache.key($0)) != nil }
    }

    /// Runs `count` workers until cancelled.
    func runWorkers(count: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<count { group.addTask { await self.work() } }
        }
    }

    private func work() async {
        while !Task.isCancelled, let key = await queue.next() {
            let started = ContinuousClock.now
            do {
                try await reconcile(key)
                await queue.forget(key)
                metrics.reconciled(kind: key.kind, result: "success", duration: .now - started)
            } catch {
                let attempt = await queue.failureCount(key)
                logger.warning("reconcile of \(key) failed (attempt \(attempt + 1)): \(error)")
                metrics.reconciled(kind: key.kind, result: "error", duration: .now - started)
                await queue.addRateLimited(key)
            }
            await queue.done(key)
            metrics.queueDepth.set(Double(await queue.depth))
        }
    }

    /// Reconciles one key from the cache.
    func reconcile(_ key: ReconcileKey) async throws {
        guard cache.hasSynced else {
            await queue.add(key, after: .milliseconds(100))
            return
        }
        switch key {
        case .deployment(let name): try await reconcileDeployment(name)
        case .cluster(let name): try await reconcileCluster(name)
        case .job(let name): try await reconcileJob(name)
        }
    }
}

extension Reflector {
    /// The reflector's run loop as a closure.
    var runner: @Sendable () async throws -> Void { { try await self.run() } }
}
