import Foundation
import KubeClient
import ToolboxCore

extension OperatorController {
    func reconcileDeployment(_ key: ObjectKey) async throws {
        guard let deployment = cache.deployments.get(key) else { return }
        // The jobs it owns or that are named `<name>-...` in its namespace, found through the cache's index (never a
        // scan of all jobs).
        let prefix = "\(key.name)-"
        let owned = deployment.metadata.uid.map { cache.jobs(indexed: OperatorCache.ownerIndex($0), in: key.namespace) } ?? []
        let named = cache.jobs(indexed: key.name, in: key.namespace).filter { ($0.metadata.name ?? "").hasPrefix(prefix) }
        let jobs = Dictionary((owned + named).map { ($0.key, $0) }) { first, _ in first }.values.sorted { $0.key < $1.key }
        let observation = DeploymentObservation(deployment: deployment, cluster: cache.clusters.get(key), jobs: jobs, now: now())
        try await recordingCreations(on: deployment) { created in
            for action in DeploymentReconciler.decide(observation) { try await execute(action, on: deployment, created: &created) }
        }
    }

    func reconcileCluster(_ key: ObjectKey) async throws -> ReconcileOutcome {
        guard let cluster = cache.clusters.get(key) else { return .done }
        let name = key.name
        let supervisor = cache.supervisors.get(cache.key(ResourceNames.supervisorDeployment(cluster: name), in: key.namespace))
        let service = cache.supervisorServices.get(cache.key(ResourceNames.supervisorService(cluster: name), in: key.namespace))
        let liveness = SupervisorLiveness(pods: cache.supervisorPods(of: name, in: key.namespace), now: now(), abandonAfter: abandonAfter)
        var outcome = ReconcileOutcome.done
        let actions = SupervisorReconciler.decide(cluster: cluster, deployment: supervisor, service: service, settings: settings, liveness: liveness)
        try await recordingCreations(on: cluster) { created in
            for action in actions {
                if case .recheck(let seconds) = action {
                    outcome = .requeue(after: .milliseconds(Int(seconds * 1000)))
                } else {
                    try await execute(action, on: cluster, created: &created)
                }
            }
        }
        return outcome
    }

    /// Runs `body`, then records one Normal Event for what it created (none when it created nothing), also when
    /// `body` fails partway.
    private func recordingCreations<Object: KubeResource>(
        on object: Object, _ body: (inout CreationEvent) async throws -> Void
    ) async throws {
        var created = CreationEvent()
        var failure: (any Error)?
        do { try await body(&created) } catch { failure = error }
        if let event = created.event { await events.normal(object, reason: event.reason, message: event.message) }
        if let failure { throw failure }
    }

    func reconcileJob(_ key: ObjectKey) async throws {
        guard let job = cache.jobs.get(key) else { return }
        let cluster = cache.clusterName(of: job)
        let clusterExists = cluster.map { cache.clusterExists($0, in: key.namespace) } ?? false
        let supervisorExists =
            cluster.map { cache.supervisors.get(cache.key(ResourceNames.supervisorDeployment(cluster: $0), in: key.namespace)) != nil } ?? false
        for action in OrphanJobReconciler.decide(job: job, clusterExists: clusterExists, supervisorExists: supervisorExists, now: now()) {
            switch action {
            case .updateStatus(let status):
                var updated = job
                updated.status = status
                try await client.updateStatusUnread(updated)
            case .removeSupervisorFinalizer:
                try await client.removeFinalizer(ResourceNames.supervisorFinalizer, from: job)
            }
        }
    }

    private func execute(_ action: DeploymentAction, on deployment: FlinkDeployment, created: inout CreationEvent) async throws {
        switch action {
        case .addFinalizer:
            try await client.addFinalizer(ResourceNames.operatorFinalizer, to: deployment)
        case .removeFinalizer:
            try await client.removeFinalizer(ResourceNames.operatorFinalizer, from: deployment)
        case .createCluster(let cluster):
            try await createIgnoringExisting(cluster)
            created.add(reason: "ClusterCreated", object: "FlinkCluster \(cluster.metadata.name ?? "")")
        case .patchCluster(let name, let operations):
            try await client.patchUnread(FlinkCluster.self, name: name, namespace: namespace(of: deployment), patch: .json(operations), subresource: nil)
            await events.normal(
                deployment, reason: "ClusterUpdated", message: "updated \(operations.map(\.path).joined(separator: ", ")) of FlinkCluster \(name)")
        case .deleteCluster(let name):
            try await deleteIgnoringMissing(FlinkCluster.self, name, namespaceOf: deployment)
            await events.normal(deployment, reason: "ClusterDeleted", message: "deleted FlinkCluster \(name)")
        case .createJob(let job):
            try await createIgnoringExisting(job)
            created.add(reason: "JobCreated", object: "FlinkJob \(job.metadata.name ?? "")")
        case .patchJob(let name, let operations):
            try await client.patchUnread(FlinkJob.self, name: name, namespace: namespace(of: deployment), patch: .json(operations), subresource: nil)
            await events.normal(deployment, reason: "JobUpdated", message: "updated \(operations.map(\.path).joined(separator: ", ")) of FlinkJob \(name)")
        case .deleteJob(let name):
            try await deleteIgnoringMissing(FlinkJob.self, name, namespaceOf: deployment)
            await events.normal(deployment, reason: "JobDeleted", message: "deleted FlinkJob \(name)")
        case .updateStatus(let status):
            var updated = deployment
            updated.status = status
            try await client.updateStatusUnread(updated)
        case .event(let warning, let reason, let message):
            await events.record(deployment, type: warning ? "Warning" : "Normal", reason: reason, message: message)
        }
    }

    private func execute(_ action: SupervisorAction, on cluster: FlinkCluster, created: inout CreationEvent) async throws {
        switch action {
        case .addFinalizer:
            try await client.addFinalizer(ResourceNames.operatorFinalizer, to: cluster)
        case .removeFinalizer:
            try await client.removeFinalizer(ResourceNames.operatorFinalizer, from: cluster)
        case .createDeployment(let supervisorDeployment):
            try await createIgnoringExisting(supervisorDeployment)
            created.add(reason: "SupervisorCreated", object: "supervisor Deployment \(supervisorDeployment.metadata.name ?? "")")
        case .replaceDeployment(let supervisorDeployment):
            try await client.updateUnread(supervisorDeployment)
            await events.normal(cluster, reason: "SupervisorUpdated", message: "updated supervisor Deployment \(supervisorDeployment.metadata.name ?? "")")
        case .deleteDeployment(let name):
            try await deleteIgnoringMissing(Deployment.self, name, namespaceOf: cluster)
            await events.normal(cluster, reason: "SupervisorDeleted", message: "deleted supervisor Deployment \(name)")
        case .releaseSupervisorFinalizer(let reason):
            logger.warning("FlinkCluster \(cluster.key): releasing the supervisor's finalizer: \(reason)")
            try await client.removeFinalizer(ResourceNames.supervisorFinalizer, from: cluster)
            await events.warning(cluster, reason: "SupervisorAbandoned", message: "released the supervisor's finalizer: \(reason)")
        case .recheck:
            break  // returned to the runtime as the reconcile's outcome
        case .createService(let service):
            try await createIgnoringExisting(service)
            created.add(reason: "SupervisorServiceCreated", object: "supervisor Service \(service.metadata.name ?? "")")
        case .deleteService(let name):
            try await deleteIgnoringMissing(KubeService.self, name, namespaceOf: cluster)
            await events.normal(cluster, reason: "SupervisorServiceDeleted", message: "deleted supervisor Service \(name)")
        }
    }

    // MARK: - primitives

    private func createIgnoringExisting<Object: KubeResource>(_ object: Object) async throws {
        do {
            try await client.createUnread(object)
        } catch let error as KubeError where error.kind == .alreadyExists {
            logger.debug("\(Object.resource.kind) \(object.key) exists already (cache behind)")
        }
    }

    /// The namespace of `object`, where everything it owns lives.
    private func namespace<Object: KubeResource>(of object: Object) -> String { object.metadata.namespace ?? cache.namespace }

    /// Deletes `name` in the namespace of `owner`.
    private func deleteIgnoringMissing<Object: KubeResource, Owner: KubeResource>(_ type: Object.Type, _ name: String, namespaceOf owner: Owner) async throws {
        do {
            try await client.delete(type, name: name, namespace: namespace(of: owner))
        } catch let error as KubeError where error.kind == .notFound {}
    }
}
