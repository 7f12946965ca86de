import Foundation
import KubeModels
import ToolboxAPI

/// Which FlinkCluster a FlinkJob belongs to.
public enum JobClusterResolver {
    /// `spec.clusterName`, else the `clusterName` label, else the longest existing cluster name `c` such that the job
    /// is named `c-...` (the original's only rule, which confused clusters `a` and `a-b`).
    public static func clusterName(of job: FlinkJob, clusters: [String]) -> String? {
        let names = Set(clusters)
        return clusterName(of: job) { names.contains($0) }
    }

    /// The same rule with a lookup: `exists` is asked only for the clusters the job's name could refer to, so a
    /// cache resolves a job in time proportional to its name, not to the number of clusters.
    public static func clusterName(of job: FlinkJob, exists: (String) -> Bool) -> String? {
        if let name = job.spec.clusterName, !name.isEmpty { return name }
        if let name = job.metadata.labels?["clusterName"], !name.isEmpty { return name }
        return namePrefixes(of: job).last(where: exists)
    }

    /// Every cluster `job` may belong to: `spec.clusterName`, the `clusterName` label and each `c` it is named `c-...`
    /// after (what a cache indexes jobs by, so the jobs of a cluster are found without a scan).
    public static func candidates(of job: FlinkJob) -> [String] {
        var names = namePrefixes(of: job)
        for name in [job.spec.clusterName, job.metadata.labels?["clusterName"]] {
            if let name, !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The prefixes `c` of the job's name such that it is named `c-...`, shortest first.
    private static func namePrefixes(of job: FlinkJob) -> [String] {
        let name = job.metadata.name ?? ""
        return name.indices.filter { name[$0] == "-" && $0 != name.startIndex }.map { String(name[..<$0]) }
    }
}

/// What the operator does for a FlinkJob whose cluster has no supervisor.
public enum OrphanJobAction: Sendable, Equatable {
    case updateStatus(Components.Schemas.FlinkJobStatus)
    /// No cluster exists, so no supervisor can ever remove its finalizer from the deleted job: remove it here.
    case removeSupervisorFinalizer
}

/// The pure decision for a FlinkJob without a cluster or supervisor (section 5.3): its status says so, and a deleted
/// job is not left hanging on a finalizer nobody will remove.
public enum OrphanJobReconciler {
    /// The actions for `job`; `clusterExists` and `supervisorExists` say what the operator sees of its cluster.
    public static func decide(job: FlinkJob, clusterExists: Bool, supervisorExists: Bool, now: Date) -> [OrphanJobAction] {
        guard !clusterExists, !supervisorExists else { return [] }
        var actions: [OrphanJobAction] = []
        let deleting = job.metadata.isDeleting
        var status = job.status ?? .init()
        let before = status
        status.jobParallelism = 0
        status.jobStatus = ""
        status.jobId = ""
        status.supervisorStatus = deleting ? .terminated : .unknown
        status.resourceStatus = deleting ? .updated : .unknown
        status.observedGeneration = job.metadata.generation
        let states = [
            ConditionState(.ready, false, reason: "ClusterNotFound", message: "no FlinkCluster runs this job"),
            ConditionState(.progressing, false, reason: "ClusterNotFound"),
            ConditionState(.degraded, true, reason: "ClusterNotFound", message: "no FlinkCluster runs this job"),
        ]
        status.conditions = Conditions.merge(states, into: before.conditions, generation: job.metadata.generation, now: now)
        if SpecDigest.of(status) != SpecDigest.of(before) {
            status.timestamp = now
            actions.append(.updateStatus(status))
        }
        if deleting, job.metadata.hasFinalizer(ResourceNames.supervisorFinalizer) { actions.append(.removeSupervisorFinalizer) }
        return actions
    }
}
