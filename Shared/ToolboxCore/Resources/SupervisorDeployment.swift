import KubeModels
import ToolboxAPI

/// How the operator runs supervisors: what every supervisor Deployment shares.
public struct SupervisorSettings: Sendable, Hashable {
    /// Secret for the supervisor's mutual TLS, PEM (`tls.crt`, `tls.key`, `ca.crt`) or the original's keystores
    /// (`keystore.jks`, `truststore.jks`, `keystore-secret`, `truststore-secret`); plain HTTP when `nil`.
    public var tlsSecretName: String?
    /// Secret (same forms) the supervisors mount into their bootstrap Jobs, holding a certificate of role
    /// `bootstrap`; `tlsSecretName` when `nil` (one shared Secret, as the manual makes it).
    public var bootstrapTLSSecretName: String?
    /// Zero replicas (the original's dry run).
    public var dryRun: Bool
    /// Seconds between a supervisor's Flink polls when its cluster's `spec.supervisor.pollingInterval` is absent.
    public var pollingInterval: Int
    /// A supervisor's task timeout in seconds when its cluster's `spec.supervisor.taskTimeout` is absent.
    public var taskTimeout: Int

    /// Settings for supervisors.
    public init(
        tlsSecretName: String? = nil, bootstrapTLSSecretName: String? = nil, dryRun: Bool = false, pollingInterval: Int = 5,
        taskTimeout: Int = 300
    ) {
        self.tlsSecretName = tlsSecretName
        self.bootstrapTLSSecretName = bootstrapTLSSecretName
        self.dryRun = dryRun
        self.pollingInterval = pollingInterval
        self.taskTimeout = taskTimeout
    }
}

/// Builds the `supervisor-<cluster>` Deployment (section 3 of the behaviour reference).
public enum SupervisorDeployment {
    /// Annotation holding the digest of what the Deployment was built from.
    public static let digestAnnotation = "flink-operator/deployment-digest"
    /// Port of the supervisor's internal API.
    public static let apiPort = 4445
    /// Where the TLS secret is mounted.
    public static let tlsDirectory = "/etc/flink-toolbox/tls"

    /// The Deployment that runs the supervisor of `cluster`.
    public static func build(for cluster: FlinkCluster, settings: SupervisorSettings) -> Deployment {
        let name = cluster.metadata.name ?? ""
        let supervisor = cluster.spec.supervisor
        let labels = podLabels(cluster: name)
        var metadata = ObjectMeta(name: ResourceNames.supervisorDeployment(cluster: name), namespace: cluster.metadata.namespace, labels: labels)
        metadata.annotations = [digestAnnotation: digest(for: cluster, settings: settings)]
        metadata.ownerReferences = ToolboxLabels.ownerReference(to: cluster).map {
            var reference = $0
            reference.blockOwnerDeletion = false
            return [reference]
        }
        let spec: JSONValue = [
            "replicas": .number(Double(settings.dryRun ? 0 : Int(supervisor.replicas ?? 1))),
            "strategy": ["type": "Recreate"],
            // A supervisor counts as available only after 5 s ready: one that crashes right after start is not.
            "minReadySeconds": 5,
            "progressDeadlineSeconds": 180,
            "revisionHistoryLimit": 3,
            "selector": ["matchLabels": labelsValue(labels)],
            "template": ["metadata": ["labels": labelsValue(labels)], "spec": podSpec(cluster, labels: labels, settings: settings)],
        ]
        return Deployment(metadata: metadata, spec: spec)
    }

    /// Labels of the supervisor Deployment and of its pods (the selector of the supervisor's Service).
    public static func podLabels(cluster: String) -> [String: String] {
        ToolboxLabels.cluster(cluster).merging(["role": "supervisor"]) { _, new in new }
    }

    /// The revision of the pod template this code builds; raised when the template changes (2: the pod security
    /// defaults), so an operator upgrade replaces the Deployments built by the older code.
    static let templateRevision = 2

    /// The digest of everything the Deployment is built from; a change replaces the Deployment.
    public static func digest(for cluster: FlinkCluster, settings: SupervisorSettings) -> String {
        struct Inputs: Encodable {
            var supervisor: Components.Schemas.SupervisorSpec
            var tlsSecretName: String?
            var dryRun: Bool
            var template: Int
            var bootstrapTLSSecretName: String?  // absent when nil: digests made before it existed stay the same
        }
        return SpecDigest.of(
            Inputs(
                supervisor: cluster.spec.supervisor, tlsSecretName: settings.tlsSecretName, dryRun: settings.dryRun, template: templateRevision,
                bootstrapTLSSecretName: settings.bootstrapTLSSecretName
            )
        )
    }

    private static func podSpec(_ cluster: FlinkCluster, labels: [String: String], settings: SupervisorSettings) -> JSONValue {
        let supervisor = cluster.spec.supervisor
        var container: JSONValue = [
            "name": "supervisor",
            "image": .string(supervisor.image),
            "imagePullPolicy": .string(supervisor.pullPolicy?.rawValue ?? "IfNotPresent"),
            "args": .array(arguments(cluster, settings: settings).map { .string($0) }),
            "env": [fieldEnv("POD_NAME", "metadata.name"), fieldEnv("POD_NAMESPACE", "metadata.namespace"), fieldEnv("POD_IP", "status.podIP")],
            "ports": [["name": "api", "containerPort": .number(Double(apiPort))], ["name": "monitor", "containerPort": 8080]],
            "readinessProbe": ["httpGet": ["path": "/version", "port": "monitor"], "periodSeconds": 5],
            "livenessProbe": ["httpGet": ["path": "/version", "port": "monitor"], "initialDelaySeconds": 10, "periodSeconds": 30],
            "resources": (try? JSONValue(encoding: supervisor.resources)).flatMap { $0 == .null ? nil : $0 } ?? defaultResources,
        ]
        container["securityContext"] = PodSecurity.toolboxContainer(overriddenBy: ContainerAssembly.encoded(supervisor.securityContext))
        var pod: JSONValue = [
            "serviceAccountName": .string(supervisor.serviceAccount ?? "flink-supervisor"),
            "restartPolicy": "Always",
            "affinity": [
                "podAffinity": [
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        [
                            "weight": 100,
                            "podAffinityTerm": ["topologyKey": "kubernetes.io/hostname", "labelSelector": ["matchLabels": labelsValue(labels)]],
                        ]
                    ]
                ]
            ],
        ]
        var mounts: [JSONValue] = []
        var volumes: [JSONValue] = []
        if let secret = settings.tlsSecretName {
            mounts.append(["name": "tls", "mountPath": .string(tlsDirectory), "readOnly": true])
            volumes.append(["name": "tls", "secret": ["secretName": .string(secret)]])
        }
        container["volumeMounts"] = .array(mounts + [PodSecurity.temporaryMount])
        pod["volumes"] = .array(volumes + [PodSecurity.temporaryVolume])
        pod["containers"] = [container]
        if let pullSecret = supervisor.pullSecrets { pod["imagePullSecrets"] = [["name": .string(pullSecret)]] }
        return pod
    }

    /// The supervisor's command line, led by the executable's name as the original wrote it (`supervisor run ...`): the
    /// all-in-one image's entry point, flinkctl, dispatches on it; the supervisor executable accepts and skips it.
    public static func arguments(_ cluster: FlinkCluster, settings: SupervisorSettings) -> [String] {
        let supervisor = cluster.spec.supervisor
        var arguments = [
            "supervisor", "run", "--namespace", cluster.metadata.namespace ?? "default", "--cluster-name", cluster.metadata.name ?? "",
            "--polling-interval", String(supervisor.pollingInterval.map(Int.init) ?? settings.pollingInterval),
            "--task-timeout", String(supervisor.taskTimeout.map(Int.init) ?? settings.taskTimeout),
            "--port", String(apiPort),
        ]
        // The mounted Secret in either form: PEM (tls.crt, tls.key, ca.crt) or the original's keystores.
        if settings.tlsSecretName != nil { arguments += ["--tls-dir", tlsDirectory] }
        // The Secret of the bootstrap Jobs: a `bootstrap` certificate of its own, or the supervisor's.
        if let secret = settings.tlsSecretName { arguments += ["--tls-secret", settings.bootstrapTLSSecretName ?? secret] }
        if settings.dryRun { arguments.append("--dry-run") }
        return arguments
    }

    static let defaultResources: JSONValue = [
        "limits": ["cpu": "1", "memory": "256Mi"],
        "requests": ["cpu": "100m", "memory": "256Mi"],
    ]

    private static func fieldEnv(_ name: String, _ path: String) -> JSONValue {
        ["name": .string(name), "valueFrom": ["fieldRef": ["fieldPath": .string(path)]]]
    }

    private static func labelsValue(_ labels: [String: String]) -> JSONValue {
        .object(labels.mapValues { .string($0) })
    }
}
