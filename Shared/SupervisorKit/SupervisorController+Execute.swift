import FlinkClient
import Foundation
import KubeClient
import ToolboxCore

extension SupervisorController {
    /// Runs the cluster's decided actions. Kubernetes errors fail the pass (it is retried with backoff); Flink
    /// errors are reported as Events and left to the next observation.
    func execute(_ actions: [ClusterAction], for cluster: FlinkCluster) async throws {
        for action in actions {
            switch action {
            case .createJobManagerPod(let pod):
                try await create(pod, in: cache.pods)
            case .createService(let service):
                try await create(service, in: cache.services)
            case .createTaskManagerPods(let pods):
                for pod in pods { try await create(pod, in: cache.pods) }
            case .deleteTaskManagerPods(let names), .deleteJobManagerPods(let names):
                for name in names { try await delete(Pod.self, name, in: cache.pods) }
            case .deleteService(let name):
                try await delete(KubeService.self, name, in: cache.services)
            case .cancelFlinkJobs(let ids):
                for id in ids { await cancel(id, on: cluster) }
            case .scaleTaskManagers(let count):
                let before = cluster.metadata.resourceVersion
                _ = try await client.scale(FlinkCluster.self, name: cache.clusterName, namespace: cache.namespace, replicas: count)
                _ = await cache.clusters.wait(for: cache.key(cache.clusterName), timeout: Self.readYourWritesTimeout) {
                    $0?.metadata.resourceVersion != before
                }
            }
        }
    }

    /// Runs a job's decided actions.
    func execute(_ actions: [JobAction], for job: FlinkJob) async throws {
        for action in actions {
            switch action {
            case .createBootstrapJob(let bootstrap):
                try await create(bootstrap, in: cache.batchJobs)
            case .deleteBootstrapJob(let name):
                try await delete(BatchJob.self, name, in: cache.batchJobs)
            case .triggerSavepoint(let jobId, let triggerId, let directory):
                await requestSavepoint(of: job, stop: false, triggerId: triggerId) {
                    try await self.flink.triggerSavepoint(jobId, targetDirectory: directory, triggerId: triggerId)
                }
            case .stopWithSavepoint(let jobId, let triggerId, let directory):
                await requestSavepoint(of: job, stop: true, triggerId: triggerId) {
                    try await self.flink.stopWithSavepoint(jobId, targetDirectory: directory, triggerId: triggerId)
                }
            case .cancelFlinkJob(let jobId):
                await cancel(jobId, on: job)
            case .disposeSavepoint(let path):
                await dispose(path, of: job)
            }
        }
    }

    /// Sends a savepoint request whose `triggerId` the stored status already holds. A Flink that chose its own id
    /// (before 1.15) gets that id adopted into the status, so that the request is followed and never sent again.
    private func requestSavepoint(of job: FlinkJob, stop: Bool, triggerId: String, _ call: @Sendable () async throws -> String) async {
        do {
            let flinkId = try await timed(stop ? "stop-with-savepoint" : "savepoint") { try await call() }
            metrics.savepointRequested(job: job.metadata.name ?? "", stop: stop)
            logger.info("FlinkJob \(job.metadata.name ?? ""): \(stop ? "stop-with-savepoint" : "savepoint") requested (trigger \(flinkId))")
            if flinkId != triggerId { await adopt(flinkId, for: triggerId, of: job) }
        } catch {
            logger.warning("FlinkJob \(job.metadata.name ?? ""): savepoint request failed: \(error)")
            metrics.savepointRejected(job: job.metadata.name ?? "")
            await events.warning(job, reason: "SavepointRequestFailed", message: "Flink did not accept the savepoint request: \(error)")
        }
    }

    /// Replaces the stored trigger id `requested` by Flink's `flinkId`. If this write does not happen (a crash, a
    /// conflict), the stored id stays one Flink does not know, which the decision never sends again on such a Flink:
    /// the request then fails at the task timeout instead of being taken twice.
    private func adopt(_ flinkId: String, for requested: String, of job: FlinkJob) async {
        guard job.status?.savepointTriggerId == requested else { return }
        var adopted = job
        adopted.status?.savepointTriggerId = flinkId
        do {
            _ = try await store(adopted, observed: job, in: cache.jobs)
            logger.info("FlinkJob \(job.metadata.name ?? ""): Flink chose trigger id \(flinkId) (sent \(requested)); adopted")
        } catch {
            logger.warning("FlinkJob \(job.metadata.name ?? ""): could not store Flink's trigger id \(flinkId): \(error)")
            await events.warning(
                job, reason: "SavepointTriggerNotAdopted",
                message: "Flink chose trigger id \(flinkId) for request \(requested), which could not be stored: \(error)")
        }
    }

    private func cancel<Object: KubeResource>(_ jobId: String, on object: Object) async {
        do {
            try await timed("cancel") { try await flink.cancel(jobId) }
            logger.info("\(Object.resource.kind) \(object.metadata.name ?? ""): Flink job \(jobId) cancelled")
        } catch FlinkError.notFound {
            logger.info("\(Object.resource.kind) \(object.metadata.name ?? ""): Flink job \(jobId) is gone already")
        } catch {
            logger.warning("\(Object.resource.kind) \(object.metadata.name ?? ""): cancel of Flink job \(jobId) failed: \(error)")
            await events.warning(object, reason: "CancelFailed", message: "could not cancel Flink job \(jobId): \(error)")
        }
    }

    private func create<Object: KubeResource>(_ object: Object, in store: ObjectStore<Object>) async throws {
        do {
            let created = try await client.create(object)
            _ = await store.wait(for: created.key, timeout: Self.readYourWritesTimeout) { $0 != nil }
        } catch let error as KubeError where error.kind == .alreadyExists {
            logger.debug("\(Object.resource.kind) \(object.key) exists already (cache behind)")
        }
    }

    private func delete<Object: KubeResource>(_ type: Object.Type, _ name: String, in store: ObjectStore<Object>) async throws {
        guard store.get(cache.key(name))?.metadata.isDeleting != true else { return }
        do {
            try await client.delete(type, name: name, namespace: cache.namespace, propagation: .background, gracePeriodSeconds: 5)
            _ = await store.wait(for: cache.key(name), timeout: Self.readYourWritesTimeout) { $0.map { $0.metadata.isDeleting } ?? true }
        } catch let error as KubeError where error.kind == .notFound {}
    }
}
