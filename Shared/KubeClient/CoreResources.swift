/// A core/v1 Pod. `spec` is kept whole; the status fields the toolbox reads are typed.
public struct Pod: KubeResource, Hashable {
    public static let resource = ResourceType(group: "", version: "v1", plural: "pods", kind: "Pod")
    public var apiVersion = "v1"
    public var kind = "Pod"
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: PodStatus?

    /// A pod with metadata and a spec.
    public init(metadata: ObjectMeta, spec: JSONValue?) {
        self.metadata = metadata
        self.spec = spec
    }
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

/// A core/v1 Service.
public struct Service: KubeResource, Hashable {
    public static let resource = ResourceType(group: "", version: "v1", plural: "services", kind: "Service")
    public var apiVersion = "v1"
    public var kind = "Service"
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: JSONValue?

    /// A service with metadata and a spec.
    public init(metadata: ObjectMeta, spec: JSONValue?) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// A core/v1 ConfigMap.
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

/// A core/v1 Secret; `data` values are base64.
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

/// A core/v1 Namespace.
public struct Namespace: KubeResource, Hashable {
    public static let resource = ResourceType(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public var apiVersion = "v1"
    public var kind = "Namespace"
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: JSONValue?

    /// A namespace called `name`.
    public init(name: String) { metadata = ObjectMeta(name: name) }
}
