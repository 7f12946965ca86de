import Foundation
import KubeModels
import ToolboxAPI

/// The pure decision for a FlinkDeployment: split it into one FlinkCluster and one FlinkJob per job, keep them in
/// line with the declared spec, and tear them down when the deployment is deleted.
///
/// Level based: the plan depends only on what is observed. When everything matches, the plan is empty — no write.
public enum DeploymentReconciler {
    /// The actions that bring the children and the status in line with the deployment.
    public static func decide(_ observation: DeploymentObservation) -> [DeploymentAction] {
        let deployment = observation.deployment
        if deployment.metadata.isDeleting { return teardown(observation) }
        guard deployment.metadata.hasFinalizer(ResourceNames.operatorFinalizer) else { return [.addFinalizer] }
        var children: [DeploymentAction] = []
        var problems: [String] = []
        reconcileCluster(observation, into: &children, problems: &problems)
        reconcileJobs(observation, into: &children, problems: &problems)
        return children + statusActions(observation, children: children, problems: problems)
    }

    private static func teardown(_ observation: DeploymentObservation) -> [DeploymentAction] {
        let uid = observation.deployment.metadata.uid
        let cluster = observation.cluster.flatMap { ToolboxLabels.isOwned($0.metadata, by: uid) ? $0 : nil }
        let jobs = observation.jobs.filter { ToolboxLabels.isOwned($0.metadata, by: uid) }
        var actions: [DeploymentAction] = []
        if let cluster, !cluster.metadata.isDeleting { actions.append(.deleteCluster(name: cluster.metadata.name ?? "")) }
        actions += jobs.filter { !$0.metadata.isDeleting }.map { .deleteJob(name: $0.metadata.name ?? "") }
        if cluster == nil, jobs.isEmpty, observation.deployment.metadata.hasFinalizer(ResourceNames.operatorFinalizer) {
            actions.append(.removeFinalizer)
        }
        return actions
    }

    private static func reconcileCluster(_ observation: DeploymentObservation, into actions: inout [DeploymentAction], problems: inout [String]) {
        let deployment = observation.deployment
        guard let live = observation.cluster else {
            actions.append(.createCluster(DeploymentSplit.cluster(of: deployment)))
            return
        }
        guard ToolboxLabels.isOwned(live.metadata, by: deployment.metadata.uid) else {
            problems.append("FlinkCluster \(live.metadata.name ?? "") exists and belongs to something else")
            return
        }
        guard !live.metadata.isDeleting else { return }
        let operations = DeploymentSplit.clusterPatch(live: live, declared: deployment.spec.cluster)
        if !operations.isEmpty { actions.append(.patchCluster(name: live.metadata.name ?? "", operations: operations)) }
    }

    private static func reconcileJobs(_ observation: DeploymentObservation, into actions: inout [DeploymentAction], problems: inout [String]) {
        let deployment = observation.deployment
        let name = deployment.metadata.name ?? ""
        let declared = deployment.spec.jobs ?? []
        var seen: Set<String> = []
        for job in declared {
            guard seen.insert(job.name).inserted else {
                problems.append("job \(job.name) is declared more than once")
                continue
            }
            let jobName = ResourceNames.flinkJob(cluster: name, job: job.name)
            guard let live = observation.jobs.first(where: { $0.metadata.name == jobName }) else {
                actions.append(.createJob(DeploymentSplit.flinkJob(job, of: deployment)))
                continue
            }
            guard ToolboxLabels.isOwned(live.metadata, by: deployment.metadata.uid) else {
                problems.append("FlinkJob \(jobName) exists and belongs to something else")
                continue
            }
            guard !live.metadata.isDeleting else { continue }
            let operations = DeploymentSplit.jobPatch(live: live, declared: job.spec, cluster: name)
            if !operations.isEmpty { actions.append(.patchJob(name: jobName, operations: operations)) }
        }
        let declaredNames = Set(declared.map { ResourceNames.flinkJob(cluster: name, job: $0.name) })
        for live in observation.jobs where ToolboxLabels.isOwned(live.metadata, by: deployment.metadata.uid) {
            if let liveName = live.metadata.name, !declaredNames.contains(liveName), !live.metadata.isDeleting {
                actions.append(.deleteJob(name: liveName))
            }
        }
    }

    private static func statusActions(_ observation: DeploymentObservation, children: [DeploymentAction], problems: [String]) -> [DeploymentAction] {
        let deployment = observation.deployment
        let old = deployment.status
        let ready = children.isEmpty && problems.isEmpty && observation.cluster?.status?.supervisorStatus == .started
        let states = [
            ConditionState(.ready, ready, reason: ready ? "ClusterStarted" : (problems.isEmpty ? "ClusterNotStarted" : "Conflict")),
            ConditionState(
                .progressing, !children.isEmpty, reason: children.isEmpty ? "InSync" : "Reconciling",
                message: children.isEmpty ? "" : "\(children.count) change(s) to the cluster and jobs"),
            ConditionState(.degraded, !problems.isEmpty, reason: problems.isEmpty ? "NoProblems" : "Conflict", message: problems.joined(separator: "; ")),
        ]
        var status = Components.Schemas.FlinkDeploymentStatus(
            resourceStatus: children.isEmpty && problems.isEmpty ? .updated : .updating,
            timestamp: old?.timestamp,
            digest: DeploymentSplit.digest(of: deployment),
            observedGeneration: deployment.metadata.generation,
            conditions: Conditions.merge(states, into: old?.conditions, generation: deployment.metadata.generation, now: observation.now)
        )
        guard !StatusComparison.same(status, old) else { return [] }
        status.timestamp = observation.now
        var actions: [DeploymentAction] = [.updateStatus(status)]
        let wasDegraded = Conditions.find(.degraded, in: old?.conditions)?.status == ._true
        if !problems.isEmpty, !wasDegraded || Conditions.find(.degraded, in: old?.conditions)?.message != problems.joined(separator: "; ") {
            actions.append(.event(warning: true, reason: "Conflict", message: problems.joined(separator: "; ")))
        }
        return actions
    }
}

/// Compares statuses ignoring `timestamp`, which changes whenever something else does: field by field (the
/// generated types are Hashable), not by the digests of their JSON, which cost two encodings per pass.
enum StatusComparison {
    static func same(_ new: Components.Schemas.FlinkDeploymentStatus, _ old: Components.Schemas.FlinkDeploymentStatus?) -> Bool {
        guard var old else { return false }
        var new = new
        old.timestamp = nil
        new.timestamp = nil
        return old == new
    }
}
