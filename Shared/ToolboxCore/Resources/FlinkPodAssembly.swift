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
    init(_ spec: Components.Schemas.JobManagerSpec) { self.init(section: spec) }

    /// The TaskManager section.
    init(_ spec: Components.Schemas.TaskManagerSpec) { self.init(section: spec) }

    /// Either section, read through its JSON form: both carry these fields under the same names.
    private init<Section: Encodable>(section: Section) {
        let json = ContainerAssembly.encoded(section)?.objectValue ?? [:]
        func list(_ key: String) -> [JSONValue] { json[key]?.arrayValue?.filter { $0 != .null } ?? [] }
        func strings(_ key: String) -> [String]? { json[key]?.arrayValue?.compactMap(\.stringValue) }
        func object(_ key: String) -> JSONValue? { json[key].flatMap { $0 == .null ? nil : $0 } }
        serviceAccount = json["serviceAccount"]?.stringValue
        annotations = json["annotations"]?.objectValue?.compactMapValues(\.stringValue)
        command = strings("command")
        args = strings("args")
        environment = list("environment")
        environmentFrom = list("environmentFrom")
        volumes = list("volumes")
        volumeMounts = list("volumeMounts")
        extraPorts = list("extraPorts")
        initContainers = list("initContainers")
        sideContainers = list("sideContainers")
        resources = object("resources")
        securityContext = object("securityContext")
        affinity = object("affinity")
        tolerations = list("tolerations")
        topologySpreadConstraints = list("topologySpreadConstraints")
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
        // Flink calls no Kubernetes API unless the spec names an account for it (Kubernetes HA services).
        ContainerAssembly.set("automountServiceAccountToken", PodSecurity.automountToken(serviceAccount: process.serviceAccount), in: &spec)
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
        container["securityContext"] = PodSecurity.flinkContainer(overriddenBy: process.securityContext)
        for (key, probe) in role.probes { container[key] = probe }
        return container
    }

    /// Preferred anti-affinity on the host: away from the cluster's JobManagers (weight 50) and TaskManagers (100).
    static func defaultAffinity(cluster: String) -> JSONValue {
        [
            "podAntiAffinity": [
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    ContainerAssembly.weightedHostTerm(weight: 50, labels: JobManagerResources.labels(cluster: cluster)),
                    ContainerAssembly.weightedHostTerm(weight: 100, labels: TaskManagerResources.labels(cluster: cluster)),
                ]
            ]
        ]
    }
}
