/// core/v1 Pod: `spec` kept whole, the status fields the toolbox reads typed.
public enum PodKind: ResourceKind {
    public typealias Spec = JSONValue
    public typealias Status = PodStatus
    public static let resource = ResourceType(group: "", version: "v1", plural: "pods", kind: "Pod")
}

/// core/v1 Service.
public enum ServiceKind: ResourceKind {
    public typealias Spec = JSONValue
    public typealias Status = JSONValue
    public static let resource = ResourceType(group: "", version: "v1", plural: "services", kind: "Service")
}

/// core/v1 Namespace.
public enum NamespaceKind: ResourceKind {
    public typealias Spec = JSONValue
    public typealias Status = JSONValue
    public static let resource = ResourceType(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
}

/// apps/v1 Deployment: `spec` kept whole, the replica counts typed.
public enum DeploymentKind: ResourceKind {
    public typealias Spec = JSONValue
    public typealias Status = WorkloadStatus
    public static let resource = ResourceType(group: "apps", version: "v1", plural: "deployments", kind: "Deployment")
}

/// batch/v1 Job: `spec` kept whole, the completion counts typed.
public enum BatchJobKind: ResourceKind {
    public typealias Spec = JSONValue
    public typealias Status = WorkloadStatus
    public static let resource = ResourceType(group: "batch", version: "v1", plural: "jobs", kind: "Job")
}

/// A Pod object.
public typealias Pod = SpecResource<PodKind>
/// A Service object (named so it does not clash with ServiceLifecycle.Service).
public typealias KubeService = SpecResource<ServiceKind>
/// A Namespace object.
public typealias Namespace = SpecResource<NamespaceKind>
/// A Deployment object.
public typealias Deployment = SpecResource<DeploymentKind>
/// A batch Job object.
public typealias BatchJob = SpecResource<BatchJobKind>

extension SpecResource where Kind == NamespaceKind {
    /// A namespace called `name`.
    public init(name: String) { self.init(metadata: ObjectMeta(name: name), spec: [:]) }
}

/// The part of a pod's status the toolbox reads.
public struct PodStatus: Codable, Hashable, Sendable {
    public var phase: String?
    public var podIP: String?
    public var podIPs: [PodIP]?
    public var startTime: String?
    public var containerStatuses: [ContainerStatus]?
    public var conditions: [JSONValue]?
    public var message: String?
    public var reason: String?
}

/// One IP of a pod.
public struct PodIP: Codable, Hashable, Sendable {
    public var ip: String
}

/// The part of a container status the toolbox reads.
public struct ContainerStatus: Codable, Hashable, Sendable {
    public var name: String
    public var ready: Bool?
    public var restartCount: Int?
    public var state: JSONValue?
}

/// Replica and completion counts of Deployments and Jobs.
public struct WorkloadStatus: Codable, Hashable, Sendable {
    public var replicas: Int?
    public var readyReplicas: Int?
    public var availableReplicas: Int?
    public var updatedReplicas: Int?
    public var observedGeneration: Int64?
    public var active: Int?
    public var succeeded: Int?
    public var failed: Int?
    public var conditions: [JSONValue]?
}

/// core/v1 ConfigMap.
public struct ConfigMap: KubeResource, Hashable {
    public static let resource = ResourceType(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap")
    public var apiVersion = "v1"
    public var kind = "ConfigMap"
    public var metadata: ObjectMeta
    public var data: [String: String]?
    public var binaryData: [String: String]?

    /// A config map with string data.
    public init(metadata: ObjectMeta, data: [String: String]?) {
        self.metadata = metadata
        self.data = data
    }
}

/// core/v1 Secret; `data` values are base64.
public struct Secret: KubeResource, Hashable {
    public static let resource = ResourceType(group: "", version: "v1", plural: "secrets", kind: "Secret")
    public var apiVersion = "v1"
    public var kind = "Secret"
    public var metadata: ObjectMeta
    public var type: String?
    public var data: [String: String]?
    public var stringData: [String: String]?

    /// A secret with base64 data.
    public init(metadata: ObjectMeta, type: String? = "Opaque", data: [String: String]?) {
        self.metadata = metadata
        self.type = type
        self.data = data
    }
}
