import KubeModels
import ToolboxAPI

/// What a JobManager or TaskManager pod takes from its section of the cluster spec, already converted to JSON.
struct FlinkProcessSpec {
    var serviceAccount: String?
    var annotations: [String: String]?
    var command: [String]?
    var args: [String]?
    var environment: [JSONValue]
    var environmentFrom: [JSONValue]
    var volumes: [JSONValue]
    var volumeMounts: [JSONValue]
    var extraPorts: [JSONValue]
    var initContainers: [JSONValue]
    var sideContainers: [JSONValue]
    var resources: JSONValue?
    var securityContext: JSONValue?
    var affinity: JSONValue?
    var tolerations: [JSONValue]
    var topologySpreadConstraints: [JSONValue]

    /// The JobManager section.
    init(_ spec: Components.Schemas.JobManagerSpec) {
        typealias A = ContainerAssembly
        serviceAccount = spec.serviceAccount
        annotations = spec.annotations?.additionalProperties
        command = spec.command
        args = spec.args
        environment = A.encodedList(spec.environment)
        environmentFrom = A.encodedList(spec.environmentFrom)
        volumes = A.encodedList(spec.volumes)
        volumeMounts = A.encodedList(spec.volumeMounts)
        extraPorts = A.encodedList(spec.extraPorts)
        initContainers = A.encodedList(spec.initContainers)
        sideContainers = A.encodedList(spec.sideContainers)
        resources = A.encoded(spec.resources)
        securityContext = A.encoded(spec.securityContext)
        affinity = A.encoded(spec.affinity)
        tolerations = A.encodedList(spec.tolerations)
        topologySpreadConstraints = A.encodedList(spec.topologySpreadConstraints)
    }

    /// The TaskManager section.
    init(_ spec: Components.Schemas.TaskManagerSpec) {
        typealias A = ContainerAssembly
        serviceAccount = spec.serviceAccount
        annotations = spec.annotations?.additionalProperties
        command = spec.command
        args = spec.args
        environment = A.encodedList(spec.environment)
        environmentFrom = A.encodedList(spec.environmentFrom)
        volumes = A.encodedList(spec.volumes)
        volumeMounts = A.encodedList(spec.volumeMounts)
        extraPorts = A.encodedList(spec.extraPorts)
        initContainers = A.encodedList(spec.initContainers)
        sideContainers = A.encodedList(spec.sideContainers)
        resources = A.encoded(spec.resources)
        securityContext = A.encoded(spec.securityContext)
        affinity = A.encoded(spec.affinity)
        tolerations = A.encodedList(spec.tolerations)
        topologySpreadConstraints = A.encodedList(spec.topologySpreadConstraints)
    }
}

/// The parts of a Flink pod that differ between the JobManager and the TaskManagers.
struct FlinkPodRole {
    /// `jobmanager` or `taskmanager`: the role label, the container name and the generateName prefix.
    var role: String
    /// Arguments when the spec has none.
    var defaultArgs: [String]
    /// Ports the Flink process listens on, before the spec's extra ports.
    var ports: [JSONValue]
    /// Environment the toolbox sets, before the spec's environment.
    var env: [JSONValue]
    /// Probe keys (`livenessProbe`, `readinessProbe`) and their values.
    var probes: [String: JSONValue] = [:]
}

/// Builds JobManager and TaskManager pods (section 3 of the behaviour reference).
enum FlinkPodAssembly {
    /// The pod of `role` in `cluster`, built from `process`.
    static func pod(for cluster: FlinkCluster, role: FlinkPodRole, process: FlinkProcessSpec) -> Pod {
        let name = cluster.metadata.name ?? ""
        var metadata = ObjectMeta(namespace: cluster.metadata.namespace, labels: ContainerAssembly.labels(cluster: name, role: role.role))
        metadata.generateName = "\(role.role)-\(name)-"
        if let annotations = process.annotations, !annotations.isEmpty { metadata.annotations = annotations }
        metadata.ownerReferences = ContainerAssembly.ownerReferences(to: cluster)
        var spec: JSONValue = [
            "containers": .array([container(for: cluster, role: role, process: process)] + process.sideContainers),
            "serviceAccountName": .string(process.serviceAccount ?? "default"),
            "affinity": process.affinity ?? defaultAffinity(cluster: name),
        ]
        ContainerAssembly.set("initContainers", process.initContainers, in: &spec)
        ContainerAssembly.set("imagePullSecrets", ContainerAssembly.pullSecrets(cluster.spec.runtime.pullSecrets), in: &spec)
        ContainerAssembly.set("volumes", process.volumes, in: &spec)
        ContainerAssembly.set("tolerations", process.tolerations, in: &spec)
        ContainerAssembly.set("topologySpreadConstraints", process.topologySpreadConstraints, in: &spec)
        return Pod(metadata: metadata, spec: spec)
    }

    /// The Flink container: runtime image, the role's ports, environment and probes, then the spec's additions.
    static func container(for cluster: FlinkCluster, role: FlinkPodRole, process: FlinkProcessSpec) -> JSONValue {
        let runtime = cluster.spec.runtime
        var container: JSONValue = [
            "name": .string(role.role),
            "image": .string(runtime.image),
            "imagePullPolicy": .string(runtime.pullPolicy?.rawValue ?? "IfNotPresent"),
            "args": ContainerAssembly.strings(process.args ?? role.defaultArgs),
            "ports": .array(role.ports + process.extraPorts),
            "env": .array(role.env + process.environment),
        ]
        ContainerAssembly.set("command", process.command.map(ContainerAssembly.strings), in: &container)
        ContainerAssembly.set("envFrom", process.environmentFrom, in: &container)
        ContainerAssembly.set("volumeMounts", process.volumeMounts, in: &container)
        ContainerAssembly.set("resources", process.resources, in: &container)
        ContainerAssembly.set("securityContext", process.securityContext, in: &container)
        for (key, probe) in role.probes { container[key] = probe }
        return container
    }

    /// Preferred anti-affinity on the host: away from the cluster's JobManagers (weight 50) and TaskManagers (100).
    static func defaultAffinity(cluster: String) -> JSONValue {
        ["podAntiAffinity": ["preferredDuringSchedulingIgnoredDuringExecution": [
            ContainerAssembly.weightedHostTerm(weight: 50, labels: JobManagerResources.labels(cluster: cluster)),
            ContainerAssembly.weightedHostTerm(weight: 100, labels: TaskManagerResources.labels(cluster: cluster)),
        ]]]
    }
}
