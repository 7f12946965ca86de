import KubeModels
import ToolboxAPI

/// Builds the JobManager Service and pod of a cluster (section 3 of the behaviour reference).
public enum JobManagerResources {
    /// Role label value of JobManager pods and the Service.
    public static let role = "jobmanager"
    /// Port of the JobManager's REST API and web UI.
    public static let restPort = 8081
    /// Path probed for liveness and readiness.
    public static let probePath = "/overview"
    /// The ports the JobManager listens on, by name: ui, rpc, blob, query.
    public static let ports: [(name: String, port: Int)] = [("ui", restPort), ("rpc", 6123), ("blob", 6124), ("query", 6125)]

    /// Labels of the JobManager pods and Service of `cluster`; also the Service's selector.
    public static func labels(cluster: String) -> [String: String] {
        ContainerAssembly.labels(cluster: cluster, role: role)
    }

    /// The address TaskManagers and clients reach the JobManager at: `jobmanager-<cluster>`.
    public static func rpcAddress(cluster: String) -> String {
        ResourceNames.jobManagerService(cluster: cluster)
    }

    /// The URL of the JobManager's REST API inside the namespace: `http://jobmanager-<cluster>:8081`.
    public static func restURL(cluster: String) -> String {
        "http://\(rpcAddress(cluster: cluster)):\(restPort)"
    }

    /// The Service `jobmanager-<cluster>`: ui, rpc, blob and query ports of the JobManager pod, of type serviceMode.
    public static func service(for cluster: FlinkCluster) -> KubeService {
        let name = cluster.metadata.name ?? ""
        let labels = labels(cluster: name)
        var metadata = ObjectMeta(name: ResourceNames.jobManagerService(cluster: name), namespace: cluster.metadata.namespace, labels: labels)
        metadata.ownerReferences = ContainerAssembly.ownerReferences(to: cluster)
        let spec: JSONValue = [
            "type": .string(cluster.spec.jobManager.serviceMode.rawValue),
            "selector": ContainerAssembly.labelsValue(labels),
            "ports": .array(
                ports.map { port in
                    ["name": .string(port.name), "port": .number(Double(port.port)), "targetPort": .string(port.name), "protocol": "TCP"]
                }),
        ]
        return KubeService(metadata: metadata, spec: spec)
    }

    /// A JobManager pod (`generateName: jobmanager-<cluster>-`), probed on `/overview` so the Service only routes to a
    /// ready JobManager.
    public static func pod(for cluster: FlinkCluster) -> Pod {
        let name = cluster.metadata.name ?? ""
        let probe: JSONValue = ["httpGet": ["path": .string(probePath), "port": .number(Double(restPort))]]
        var liveness = probe
        liveness["initialDelaySeconds"] = 15
        liveness["periodSeconds"] = 30
        liveness["failureThreshold"] = 3
        var readiness = probe
        readiness["periodSeconds"] = 5
        let podRole = FlinkPodRole(
            role: role,
            defaultArgs: ["jobmanager"],
            ports: ports.map { ContainerAssembly.containerPort($0.name, $0.port) },
            env: ContainerAssembly.podIdentityEnv + [ContainerAssembly.env("JOB_MANAGER_RPC_ADDRESS", rpcAddress(cluster: name))],
            probes: ["livenessProbe": liveness, "readinessProbe": readiness]
        )
        return FlinkPodAssembly.pod(for: cluster, role: podRole, process: FlinkProcessSpec(cluster.spec.jobManager))
    }
}
