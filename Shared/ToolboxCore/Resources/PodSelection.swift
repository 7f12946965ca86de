import KubeModels

/// Pure helpers that classify the pods a supervisor lists.
public enum PodSelection {
    /// The JobManager pods of `cluster` that are not being deleted.
    public static func jobManagerPods(_ pods: [Pod], cluster: String) -> [Pod] {
        pods.filter { has($0, role: JobManagerResources.role, cluster: cluster) }
    }

    /// The TaskManager pods of `cluster` that are not being deleted.
    public static func taskManagerPods(_ pods: [Pod], cluster: String) -> [Pod] {
        pods.filter { has($0, role: TaskManagerResources.role, cluster: cluster) }
    }

    /// Whether `pod` has not terminated: its phase is neither Failed nor Succeeded.
    public static func isLive(_ pod: Pod) -> Bool {
        let phase = pod.status?.phase
        return phase != "Failed" && phase != "Succeeded"
    }

    private static func has(_ pod: Pod, role: String, cluster: String) -> Bool {
        let labels = pod.metadata.labels ?? [:]
        return !pod.metadata.isDeleting && labels["role"] == role && labels["clusterName"] == cluster
    }
}
