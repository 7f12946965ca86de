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
    let queue: WorkQueue<ReconcileKey>
    let now: @Sendable () -> Date
    /// Seconds a deleted cluster waits for a supervisor without a ready pod (`SupervisorLiveness.abandonAfter`).
    let abandonAfter: TimeInterval

    init(
        cache: OperatorCache, client: KubeClient, settings: SupervisorSettings, metrics: OperatorMetrics, logger: Logger,
        abandonAfter: TimeInterval = 120
    ) {
        self.cache = cache
        self.client = client
        self.events = EventRecorder(client: client, component: "flink-operator", logger: logger)
        self.settings = settings
        self.metrics = metrics
        self.queue = WorkQueue(metrics: metrics.registry.workQueueMetrics())
        self.logger = logger
        self.now = { Date() }
        self.abandonAfter = abandonAfter
    }

    /// Reflectors keeping the cache in sync: one per kind for each watched namespace, or one cluster-wide per kind when
    /// the operator manages every namespace.
    func reflectors() -> [@Sendable () async throws -> Void] {
        cache.watched.reflectorNamespaces.flatMap(reflectors(in:))
    }

    /// The reflectors of `namespace` (every namespace when `nil`); each change enqueues the keys it affects, found
    /// through the object's ownerReferences and labels, never by cutting names apart, always in the object's namespace.
    private func reflectors(in namespace: String?) -> [@Sendable () async throws -> Void] {
        let selector = OperatorCache.supervisorSelector
        return [
            Reflector(client: client, namespace: namespace, store: cache.deployments, logger: logger, onInvalid: invalid) { [self] key in
                enqueue(.deployment(key))
                metrics.degradedChanged(.deployment, key, to: cache.deployments.get(key).map(Self.isDegraded))
            }.runner,
            Reflector(client: client, namespace: namespace, store: cache.clusters, logger: logger, onInvalid: invalid) { [self] (cluster: FlinkCluster) in
                enqueue(.cluster(cluster.key))
                owningDeployments(of: cluster).forEach { enqueue(.deployment($0)) }
                jobKeys(ofCluster: cluster.key).forEach { enqueue(.job($0)) }
                let cached = cache.clusters.get(cluster.key)
                metrics.clusterStatusChanged(cluster.key, to: cached.map { $0.status?.supervisorStatus?.rawValue ?? "Unknown" })
                metrics.degradedChanged(.cluster, cluster.key, to: cached.map(Self.isDegraded))
            }.runner,
            Reflector(client: client, namespace: namespace, store: cache.jobs, logger: logger, onInvalid: invalid) { [self] (job: FlinkJob) in
                enqueue(.job(job.key))
                owningDeployments(of: job).forEach { enqueue(.deployment($0)) }
                let cached = cache.jobs.get(job.key)
                metrics.jobStatusChanged(job.key, to: cached.map { $0.status?.supervisorStatus?.rawValue ?? "Unknown" })
                metrics.degradedChanged(.job, job.key, to: cached.map(Self.isDegraded))
            }.runner,
            Reflector(client: client, namespace: namespace, labelSelector: selector, store: cache.supervisors, logger: logger) {
                [self] (supervisorDeployment: Deployment) in
                supervisedCluster(of: supervisorDeployment).map(clusterChanged)
            }.runner,
            // A supervisor pod's readiness decides whether a deleted cluster still waits for its supervisor.
            Reflector(client: client, namespace: namespace, labelSelector: selector, store: cache.supervisorPods, logger: logger) { [self] (pod: Pod) in
                supervisedCluster(of: pod).map { enqueue(.cluster($0)) }
            }.runner,
            Reflector(client: client, namespace: namespace, labelSelector: selector, store: cache.supervisorServices, logger: logger) {
                [self] (service: KubeService) in
                supervisedCluster(of: service).map { enqueue(.cluster($0)) }
            }.runner,
        ]
    }

    /// Whether the object's `Degraded` condition is True.
    private static func isDegraded<Kind: ResourceKind>(_ object: SpecResource<Kind>) -> Bool where Kind.Status: ConditionedStatus {
        Conditions.find(.degraded, in: object.status?.conditions)?.status == ._true
    }

    /// A change of what the cluster's reconcile and its jobs' depend on.
    private func clusterChanged(_ cluster: ObjectKey) {
        enqueue(.cluster(cluster))
        jobKeys(ofCluster: cluster).forEach { enqueue(.job($0)) }
    }

    /// Queues a key for reconciliation.
    func enqueue(_ key: ReconcileKey) {
        Task { await queue.add(key) }
    }

    /// Queues every known object (on gaining leadership, and as the slow safety-net resync).
    /// Reads the stores' keys, not their objects: a copy of every object was the largest transient allocation of a
    /// resync (18% of the heap's peak at 300 FlinkDeployments, valgrind massif).
    func enqueueAll() async {
        for key in cache.deployments.keys() { await queue.add(.deployment(key)) }
        for key in cache.clusters.keys() { await queue.add(.cluster(key)) }
        for key in cache.jobs.keys() { await queue.add(.job(key)) }
    }

    private func invalid(_ failure: DecodeFailure) {
        logger.warning("cannot read \(failure.key): \(failure.message)")
    }

    // The watch callbacks run for every event, so they read unsorted snapshots: `ObjectStore.list()` sorts the whole
    // store on each call, which made every event O(n log n) and the 1,000-deployment bench operator-bound.

    /// The keys of the jobs of `cluster` (the rule of `OperatorCache.jobs(ofCluster:in:)`), in no particular order.
    private func jobKeys(ofCluster cluster: ObjectKey) -> [ObjectKey] {
        cache.jobs(indexed: cluster.name, in: cluster.namespace).filter { cache.clusterName(of: $0) == cluster.name }.map(\.key)
    }

    /// The FlinkDeployments an object was split from: its FlinkDeployment ownerReference, else its `deploymentName`
    /// label; and a cached FlinkDeployment of the same name or, for a job, whose `<name>-` prefixes it — the objects a
    /// deployment would create or reports conflicting with (a standalone resource it cannot adopt).
    private func owningDeployments<Kind: ResourceKind>(of object: SpecResource<Kind>) -> Set<ObjectKey> {
        let namespace = object.metadata.namespace
        var names = Set(object.metadata.ownerReferences?.filter { $0.kind == FlinkDeployment.resource.kind }.map(\.name) ?? [])
        if let label = object.metadata.labels?[ToolboxLabels.deploymentName], !label.isEmpty { names.insert(label) }
        guard names.isEmpty else { return Set(names.map { cache.key($0, in: namespace) }) }
        let name = object.metadata.name ?? ""
        let candidates = [name] + name.indices.filter { name[$0] == "-" }.map { String(name[..<$0]) }
        return Set(candidates.map { cache.key($0, in: namespace) }.filter { cache.deployments.get($0) != nil })
    }

    /// The FlinkCluster a supervisor object belongs to: its FlinkCluster ownerReference, else its `clusterName` label.
    /// In the object's namespace.
    private func supervisedCluster<Kind: ResourceKind>(of object: SpecResource<Kind>) -> ObjectKey? {
        let name = object.metadata.ownerReferences?.first { $0.kind == FlinkCluster.resource.kind }?.name ?? object.metadata.labels?["clusterName"]
        return name.map { cache.key($0, in: object.metadata.namespace) }
    }

    /// Runs `count` workers of the shared controller runtime until cancelled.
    func runWorkers(count: Int) async {
        let controller = Controller(reconciler: self, queue: queue, logger: logger) { [metrics] key, record in
            metrics.reconciled(kind: key.kind, result: record.result, duration: record.duration)
        }
        await controller.runWorkers(count: count)
    }
}

extension OperatorController: Reconciler {
    /// Reconciles one key from the cache.
    func reconcile(_ key: ReconcileKey) async throws -> ReconcileOutcome {
        guard cache.hasSynced else { return .requeue(after: .milliseconds(100)) }
        switch key {
        case .deployment(let key): try await reconcileDeployment(key)
        case .cluster(let key): return try await reconcileCluster(key)
        case .job(let key): try await reconcileJob(key)
        }
        return .done
    }

    /// What the reconcile of `key` reads: the object and the objects its decision depends on, without their statuses
    /// except those another process writes (a cluster's and a job's, written by the supervisor).
    func inputs(of key: ReconcileKey) -> String? {
        var inputs = ReconcileInputs()
        let name = key.key.name
        let namespace = key.key.namespace
        switch key {
        case .deployment(let key):
            inputs.add(cache.deployments.get(key))
            inputs.add(cache.clusters.get(key), withStatus: true)
            inputs.add(all: cache.jobs(indexed: name, in: namespace).filter { ($0.metadata.name ?? "").hasPrefix("\(name)-") }, withStatus: true)
        case .cluster(let key):
            inputs.add(cache.clusters.get(key))
            inputs.add(cache.supervisors.get(cache.key(ResourceNames.supervisorDeployment(cluster: name), in: namespace)), withStatus: true)
            inputs.add(cache.supervisorServices.get(cache.key(ResourceNames.supervisorService(cluster: name), in: namespace)))
            inputs.add(all: cache.supervisorPods(of: name, in: namespace), withStatus: true)
        case .job(let key):
            let job = cache.jobs.get(key)
            inputs.add(job)
            // The clusters the job may belong to decide which one it does; then whether that one has a supervisor.
            inputs.add(all: (job.map(JobClusterResolver.candidates) ?? []).compactMap { cache.clusters.get(cache.key($0, in: namespace)) })
            if let cluster = job.flatMap(cache.clusterName) {
                inputs.add(cache.supervisors.get(cache.key(ResourceNames.supervisorDeployment(cluster: cluster), in: namespace)))
            }
        }
        return inputs.digest
    }

    /// A failure retrying cannot fix: `Degraded` with the reason on the object, a Warning Event, one log line.
    func reportTerminal(_ key: ReconcileKey, error: any Error, reason: String) async {
        let message = "\(error)"
        do {
            switch key {
            case .deployment(let key): try await markDegraded(cache.deployments.get(key), reason: reason, message: message)
            case .cluster(let key): try await markDegraded(cache.clusters.get(key), reason: reason, message: message)
            case .job(let key): try await markDegraded(cache.jobs.get(key), reason: reason, message: message)
            }
        } catch {
            logger.warning("could not record the failure of \(key) in its status: \(error)")
        }
    }

    private func markDegraded<Kind: ResourceKind>(_ object: SpecResource<Kind>?, reason: String, message: String) async throws
    where Kind.Status: ConditionedStatus {
        guard var object, let status = object.status ?? (try? KubeJSON.decoder.decode(Kind.Status.self, from: Data("{}".utf8))) else { return }
        await events.warning(object, reason: reason, message: message)
        guard let degraded = TerminalFailure.degraded(status, reason: reason, message: message, generation: object.metadata.generation, now: now())
        else { return }
        object.status = degraded
        _ = try await client.updateStatus(object)
    }
}

extension Reflector {
    /// The reflector's run loop as a closure.
    var runner: @Sendable () async throws -> Void { { try await self.run() } }
}
