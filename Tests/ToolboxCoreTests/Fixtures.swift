import Foundation
import KubeModels
import ToolboxAPI
import ToolboxCore

/// Builders of test resources.
enum Fixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func clusterSpec(image: String = "flink:1.20", taskManagers: Int32 = 1) -> Components.Schemas.FlinkClusterSpec {
        .init(
            taskManagers: taskManagers, minTaskManagers: 0, maxTaskManagers: 32, runtime: .init(image: image, pullPolicy: .ifNotPresent),
            jobManager: .init(serviceMode: .clusterIP), taskManager: .init(taskSlots: 2), supervisor: .init(image: "toolbox:1.5.0")
        )
    }

    static func jobSpec(className: String = "com.example.Job", parallelism: Int32 = 2) -> Components.Schemas.FlinkJobSpec {
        .init(
            jobParallelism: parallelism, minJobParallelism: 0, maxJobParallelism: 32,
            bootstrap: .init(image: "jobs:1", className: className, jarPath: "/jobs/job.jar"),
            savepoint: .init(savepointMode: .automatic, savepointInterval: 0, savepointTargetPath: "file:///savepoints"),
            restart: .init(restartPolicy: .always)
        )
    }

    static func deployment(
        name: String = "demo", jobs: [String] = ["a", "b"], finalizer: Bool = true, deleting: Bool = false
    ) -> FlinkDeployment {
        var metadata = ObjectMeta(name: name, namespace: "flink-jobs")
        metadata.uid = "uid-\(name)"
        metadata.generation = 1
        if finalizer { metadata.finalizers = [ResourceNames.operatorFinalizer] }
        if deleting { metadata.deletionTimestamp = "2026-11-25T12:00:00Z" }
        let spec = Components.Schemas.FlinkDeploymentSpec(cluster: clusterSpec(), jobs: jobs.map { .init(name: $0, spec: jobSpec()) })
        return FlinkDeployment(metadata: metadata, spec: spec)
    }

    /// The children the operator would have created, as the API server returns them (with uids).
    static func children(of deployment: FlinkDeployment) -> (FlinkCluster, [FlinkJob]) {
        var cluster = DeploymentSplit.cluster(of: deployment)
        cluster.metadata.uid = "uid-cluster"
        let jobs = (deployment.spec.jobs ?? []).map { job -> FlinkJob in
            var flinkJob = DeploymentSplit.flinkJob(job, of: deployment)
            flinkJob.metadata.uid = "uid-\(job.name)"
            return flinkJob
        }
        return (cluster, jobs)
    }
}
