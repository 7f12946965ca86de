import KubeModels

/// Labels and owner references the operator puts on what it creates.
public enum ToolboxLabels {
    /// Labels of a FlinkCluster (and of everything made for it).
    public static func cluster(_ cluster: String) -> [String: String] {
        ["owner": ResourceNames.owner, "clusterName": cluster, "component": "flink"]
    }

    /// Labels of a FlinkJob.
    public static func job(cluster: String, job: String) -> [String: String] {
        Self.cluster(cluster).merging(["jobName": job]) { _, new in new }
    }

    /// Label naming the FlinkDeployment a cluster or job was split from.
    public static let deploymentName = "deploymentName"

    /// A controlling owner reference to `owner` (nil when it has no uid yet).
    public static func ownerReference<Owner: KubeResource>(to owner: Owner) -> OwnerReference? {
        guard let uid = owner.metadata.uid, let name = owner.metadata.name else { return nil }
        return OwnerReference(apiVersion: Owner.resource.apiVersion, kind: Owner.resource.kind, name: name, uid: uid)
    }

    /// Whether `object` is owned by the object with `uid`.
    public static func isOwned(_ metadata: ObjectMeta, by uid: String?) -> Bool {
        guard let uid else { return false }
        return metadata.ownerReferences?.contains { $0.uid == uid } ?? false
    }
}
