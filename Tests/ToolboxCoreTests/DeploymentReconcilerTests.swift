import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

@Suite("FlinkDeployment reconciler")
struct DeploymentReconcilerTests {
    typealias Action = DeploymentAction

    static func decide(_ deployment: FlinkDeployment, cluster: FlinkCluster?, jobs: [FlinkJob]) -> [Action] {
        DeploymentReconciler.decide(DeploymentObservation(deployment: deployment, cluster: cluster, jobs: jobs, now: Fixtures.now))
    }

    /// Applies the status the reconciler wrote, as the API server would.
    static func settled(_ deployment: FlinkDeployment, cluster: FlinkCluster?, jobs: [FlinkJob]) -> FlinkDeployment {
        var deployment = deployment
        for case .updateStatus(let status) in decide(deployment, cluster: cluster, jobs: jobs) { deployment.status = status }
        return deployment
    }

    @Test("without its finalizer the deployment only gets the finalizer")
    func finalizerFirst() {
        #expect(Self.decide(Fixtures.deployment(finalizer: false), cluster: nil, jobs: []) == [.addFinalizer])
    }

    @Test("a new deployment creates its cluster and one job per declared job, owned and labelled, and reports Updating")
    func createsChildren() throws {
        let deployment = Fixtures.deployment()
        let actions = Self.decide(deployment, cluster: nil, jobs: [])
        let clusters = actions.compactMap { if case .createCluster(let c) = $0 { return c } else { return nil } }
        let jobs = actions.compactMap { if case .createJob(let j) = $0 { return j } else { return nil } }
        #expect(clusters.map(\.metadata.name) == ["demo"])
        #expect(clusters.first?.metadata.ownerReferences?.first?.uid == "uid-demo")
        #expect(clusters.first?.spec == deployment.spec.cluster)
        #expect(jobs.map(\.metadata.name) == ["demo-a", "demo-b"])
        #expect(jobs.allSatisfy { $0.spec.clusterName == "demo" && $0.metadata.labels?["clusterName"] == "demo" })
        #expect(jobs.first?.metadata.labels?["jobName"] == "a")
        let status = try #require(actions.compactMap { if case .updateStatus(let s) = $0 { return s } else { return nil } }.first)
        #expect(status.resourceStatus == .updating)
        #expect(status.digest?.jobs?.map(\.name) == ["a", "b"])
        #expect(Conditions.find(.progressing, in: status.conditions)?.status == ._true)
    }

    @Test("when the children match and the status is written, nothing is done: zero writes at steady state")
    func steadyState() {
        let deployment = Fixtures.deployment()
        var (cluster, jobs) = Fixtures.children(of: deployment)
        cluster.status = .init(supervisorStatus: .started)
        let settled = Self.settled(deployment, cluster: cluster, jobs: jobs)
        #expect(settled.status?.resourceStatus == .updated)
        #expect(Conditions.find(.ready, in: settled.status?.conditions)?.status == ._true)
        #expect(Self.decide(settled, cluster: cluster, jobs: jobs) == [])
        jobs[0].status = .init(jobStatus: "RUNNING")
        #expect(Self.decide(settled, cluster: cluster, jobs: jobs) == [])
    }

    @Test("a changed cluster section is replaced, but a scaled taskManagers count is left alone")
    func clusterChanges() {
        let deployment = Fixtures.deployment()
        var (cluster, jobs) = Fixtures.children(of: deployment)
        cluster.spec.taskManagers = 5
        #expect(Self.decide(Self.settled(deployment, cluster: cluster, jobs: jobs), cluster: cluster, jobs: jobs).isEmpty)
        cluster.spec.runtime.image = "flink:1.19"
        let actions = Self.decide(deployment, cluster: cluster, jobs: jobs)
        let patches = actions.compactMap { if case .patchCluster(_, let ops) = $0 { return ops } else { return nil } }
        #expect(patches.first?.map(\.path) == ["/spec/runtime"])
        #expect(patches.first?.first?.value?["image"]?.stringValue == "flink:1.20")
    }

    @Test("a changed job section is replaced; jobParallelism stays with the scale subresource")
    func jobChanges() {
        let deployment = Fixtures.deployment()
        var (cluster, jobs) = Fixtures.children(of: deployment)
        jobs[1].spec.jobParallelism = 8
        jobs[0].spec.bootstrap.className = "com.example.Old"
        let actions = Self.decide(deployment, cluster: cluster, jobs: jobs)
        #expect(actions.contains { if case .patchJob("demo-a", let ops) = $0 { return ops.map(\.path) == ["/spec/bootstrap"] } else { return false } })
        #expect(!actions.contains { if case .patchJob("demo-b", _) = $0 { return true } else { return false } })
    }

    @Test("scale fields: a new value declared in the deployment reaches the child; a scale since stands until then")
    func scaleIntents() {
        var deployment = Fixtures.deployment()
        deployment.spec.cluster.taskManagers = 2
        var (cluster, jobs) = Fixtures.children(of: deployment)
        #expect(cluster.metadata.annotations?[DeploymentSplit.declaredTaskManagersKey] == "2")
        #expect(jobs[0].metadata.annotations?[DeploymentSplit.declaredParallelismKey] == String(jobs[0].spec.jobParallelism ?? 0))
        // kubectl scale (the newest intent) stands while the deployment declares what it declared before.
        cluster.spec.taskManagers = 5
        jobs[0].spec.jobParallelism = 6
        let settled = Self.settled(deployment, cluster: cluster, jobs: jobs)
        #expect(Self.decide(settled, cluster: cluster, jobs: jobs).isEmpty)
        // An edit of the deployment is the newest intent: it replaces the scaled values and is noted as applied.
        deployment.spec.cluster.taskManagers = 3
        deployment.spec.jobs?[0].spec.jobParallelism = 4
        let actions = Self.decide(deployment, cluster: cluster, jobs: jobs)
        let clusterPatch: [JSONPatchOperation] =
            actions.compactMap { if case .patchCluster(_, let ops) = $0 { return ops } else { return nil } }.first ?? []
        #expect(clusterPatch.map(\.path) == ["/spec/taskManagers", "/metadata/annotations/operator.nextbreakpoint.com~1declared-task-managers"])
        #expect(clusterPatch.map(\.value) == [JSONValue.number(3), JSONValue.string("3")])
        let jobPatch: [JSONPatchOperation] =
            actions.compactMap { if case .patchJob("demo-a", let ops) = $0 { return ops } else { return nil } }.first ?? []
        #expect(jobPatch.map(\.path) == ["/spec/jobParallelism", "/metadata/annotations/operator.nextbreakpoint.com~1declared-job-parallelism"])
        // A child made by an older operator (no annotation) keeps its value and only notes the declared one.
        cluster.metadata.annotations = nil
        let adopted: [JSONPatchOperation]? = Self.decide(deployment, cluster: cluster, jobs: jobs).compactMap {
            if case .patchCluster(_, let ops) = $0 { return ops } else { return nil }
        }.first
        #expect(adopted == [JSONPatchOperation(op: "add", path: "/metadata/annotations", value: [DeploymentSplit.declaredTaskManagersKey: "3"])])
    }

    @Test("a job removed from the deployment is deleted; a new one is created")
    func jobsAddedAndRemoved() {
        let before = Fixtures.deployment(jobs: ["a", "b"])
        let (cluster, jobs) = Fixtures.children(of: before)
        let after = Fixtures.deployment(jobs: ["a", "c"])
        let actions = Self.decide(after, cluster: cluster, jobs: jobs)
        #expect(actions.contains(.deleteJob(name: "demo-b")))
        #expect(actions.contains { if case .createJob(let job) = $0 { return job.metadata.name == "demo-c" } else { return false } })
    }

    @Test("children that belong to someone else are never touched; the conflict is Degraded with a warning event")
    func conflicts() {
        let deployment = Fixtures.deployment(jobs: ["a"])
        var (cluster, jobs) = Fixtures.children(of: deployment)
        cluster.metadata.ownerReferences = nil
        jobs[0].metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "X", name: "x", uid: "other")]
        let actions = Self.decide(deployment, cluster: cluster, jobs: jobs)
        #expect(
            !actions.contains {
                if case .patchCluster = $0 { return true }; if case .deleteJob = $0 { return true }; return false
            })
        #expect(actions.contains { if case .event(true, "Conflict", _) = $0 { return true } else { return false } })
        let settled = Self.settled(deployment, cluster: cluster, jobs: jobs)
        #expect(Conditions.find(.degraded, in: settled.status?.conditions)?.status == ._true)
        #expect(Self.decide(settled, cluster: cluster, jobs: jobs).isEmpty, "a standing conflict is not re-reported")
    }

    @Test("a deleted deployment deletes its children, then drops its finalizer once they are gone")
    func deletion() {
        let deployment = Fixtures.deployment(deleting: true)
        let (cluster, jobs) = Fixtures.children(of: deployment)
        let actions = Self.decide(deployment, cluster: cluster, jobs: jobs)
        #expect(Set(actions.map { "\($0)" }) == Set(["deleteCluster(name: \"demo\")", "deleteJob(name: \"demo-a\")", "deleteJob(name: \"demo-b\")"]))
        var deletingCluster = cluster
        deletingCluster.metadata.deletionTimestamp = "2026-11-25T12:00:01Z"
        #expect(Self.decide(deployment, cluster: deletingCluster, jobs: []) == [])
        #expect(Self.decide(deployment, cluster: nil, jobs: []) == [.removeFinalizer])
    }

    @Test("conditions keep their transition time while their status holds")
    func conditionTransitions() throws {
        let deployment = Fixtures.deployment()
        let first = Self.settled(deployment, cluster: nil, jobs: [])
        let progressing = try #require(Conditions.find(.progressing, in: first.status?.conditions))
        let later = DeploymentReconciler.decide(
            DeploymentObservation(deployment: first, cluster: nil, jobs: [], now: Fixtures.now.addingTimeInterval(60))
        )
        #expect(!later.contains { if case .updateStatus = $0 { return true } else { return false } })
        #expect(progressing.lastTransitionTime == Fixtures.now)
    }
}
