import KubeModels
import ToolboxAPI

/// Builds the TaskManager pods of a cluster (section 3 of the behaviour reference).
public enum TaskManagerResources {
    /// Role label value of TaskManager pods.
    public static let role = "taskmanager"
    /// The ports a TaskManager listens on, by name: data, ipc.
    public static let ports: [(name: String, port: Int)] = [("data", 6121), ("ipc", 6122)]

    /// Labels of the TaskManager pods of `cluster`.
    public static func labels(cluster: String) -> [String: String] {
        ContainerAssembly.labels(cluster: cluster, role: role)
    }

    /// A TaskManager pod (`generateName: taskmanager-<cluster>-`) with `taskSlots` slots; no probes.
    public static func pod(for cluster: FlinkCluster) -> Pod {
        let name = cluster.metadata.name ?? ""
        let taskSlots = max(Int(cluster.spec.taskManager.taskSlots), 1)
        let podRole = FlinkPodRole(
            role: role,
            defaultArgs: ["taskmanager"],
            ports: ports.map { ContainerAssembly.containerPort($0.name, $0.port) },
            env: ContainerAssembly.podIdentityEnv + [
                ContainerAssembly.env("JOB_MANAGER_RPC_ADDRESS", JobManagerResources.rpcAddress(cluster: name)),
                ContainerAssembly.env("TASK_MANAGER_NUMBER_OF_TASK_SLOTS", String(taskSlots)),
            ]
        )
        return FlinkPodAssembly.pod(for: cluster, role: podRole, process: FlinkProcessSpec(cluster.spec.taskManager))
    }
}
