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
                await requestSavepoint(of: job, stop: false) {
                    try await self.flink.triggerSavepoint(jobId, targetDirectory: directory, triggerId: triggerId)
                }
            case .stopWithSavepoint(let jobId, let triggerId, let directory):
                await requestSavepoint(of: job, stop: true) {
                    try await self.flink.stopWithSavepoint(jobId, targetDirectory: directory, triggerId: triggerId)
                }
            case .cancelFlinkJob(let jobId):
                await cancel(jobId, on: job)
            }
        }
    }

    private func requestSavepoint(of job: FlinkJob, stop: Bool, _ call: @Sendable () async throws -> String) async {
        do {
            let triggerId = try await timed(stop ? "stop-with-savepoint" : "savepoint") { try await call() }
            metrics.savepointRequested(stop: stop)
            logger.info("FlinkJob \(job.metadata.name ?? ""): \(stop ? "stop-with-savepoint" : "savepoint") requested (trigger \(triggerId))")
        } catch {
            logger.warning("FlinkJob \(job.metadata.name ?? ""): savepoint request failed: \(error)")
            await events.warning(job, reason: "SavepointRequestFailed", message: "Flink did not accept the savepoint request: \(error)")
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
