import KubeModels

/// Builds the `supervisor-<cluster>` Service: a stable address of the supervisor's internal API. Bootstrap Jobs
/// report there, so a supervisor replaced while a job starts (new pod, new IP) still receives the report.
public enum SupervisorAPIService {
    /// Name of the Service's (only) port.
    public static let portName = "api"

    /// The ClusterIP Service of `cluster`'s supervisor: port 4445 (`api`) to the supervisor pods' `api` port, owned by
    /// the FlinkCluster like the supervisor Deployment.
    public static func build(for cluster: FlinkCluster) -> KubeService {
        let name = cluster.metadata.name ?? ""
        let labels = SupervisorDeployment.podLabels(cluster: name)
        var metadata = ObjectMeta(name: ResourceNames.supervisorService(cluster: name), namespace: cluster.metadata.namespace, labels: labels)
        metadata.ownerReferences = ToolboxLabels.ownerReference(to: cluster).map {
            var reference = $0
            reference.blockOwnerDeletion = false
            return [reference]
        }
        let spec: JSONValue = [
            "type": "ClusterIP",
            "selector": .object(labels.mapValues { .string($0) }),
            "ports": [
                [
                    "name": .string(portName), "port": .number(Double(SupervisorDeployment.apiPort)),
                    "targetPort": .string(portName), "protocol": "TCP",
                ]
            ],
        ]
        return KubeService(metadata: metadata, spec: spec)
    }

    /// The URL of the supervisor of `cluster` through its Service: `https://supervisor-<cluster>.<namespace>:4445`,
    /// `http://` without TLS. The name resolves from every namespace; the TLS client verifies the chain to the toolbox
    /// CA without the host name (as the operator does towards supervisors), since the certificates made by
    /// `secrets.sh` do not name each cluster's Service.
    public static func url(cluster: String, namespace: String, tls: Bool) -> String {
        "\(tls ? "https" : "http")://\(ResourceNames.supervisorService(cluster: cluster)).\(namespace):\(SupervisorDeployment.apiPort)"
    }
}
