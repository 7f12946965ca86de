import ToolboxAPI

/// Describes a kind whose objects have a typed `spec` and `status`.
public protocol ResourceKind: Sendable {
    /// Type of `spec`.
    associatedtype Spec: Codable & Sendable
    /// Type of `status`.
    associatedtype Status: Codable & Sendable
    /// Where objects of the kind live.
    static var resource: ResourceType { get }
}

/// An object with `apiVersion`, `kind`, `metadata`, `spec` and `status` — the shape of most Kubernetes kinds.
public struct SpecResource<Kind: ResourceKind>: KubeResource {
    /// Where objects of this kind live.
    public static var resource: ResourceType { Kind.resource }
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: Kind.Spec
    public var status: Kind.Status?

    /// An object with metadata and a spec; `apiVersion` and `kind` come from the kind.
    public init(metadata: ObjectMeta, spec: Kind.Spec) {
        apiVersion = Kind.resource.apiVersion
        kind = Kind.resource.kind
        self.metadata = metadata
        self.spec = spec
    }
}

extension SpecResource: Equatable where Kind.Spec: Equatable, Kind.Status: Equatable {}
extension SpecResource: Hashable where Kind.Spec: Hashable, Kind.Status: Hashable {}

/// FlinkDeployment (nextbreakpoint.com/v1): one cluster and its jobs, split by the operator.
public enum FlinkDeploymentKind: ResourceKind {
    public typealias Spec = Components.Schemas.FlinkDeploymentSpec
    public typealias Status = Components.Schemas.FlinkDeploymentStatus
    public static let resource = ResourceType(group: "nextbreakpoint.com", version: "v1", plural: "flinkdeployments", kind: "FlinkDeployment")
}

/// FlinkCluster (nextbreakpoint.com/v1): a Flink session cluster run by a supervisor.
public enum FlinkClusterKind: ResourceKind {
    public typealias Spec = Components.Schemas.FlinkClusterSpec
    public typealias Status = Components.Schemas.FlinkClusterStatus
    public static let resource = ResourceType(group: "nextbreakpoint.com", version: "v1", plural: "flinkclusters", kind: "FlinkCluster")
}

/// FlinkJob (nextbreakpoint.com/v1): a job running in a FlinkCluster.
public enum FlinkJobKind: ResourceKind {
    public typealias Spec = Components.Schemas.FlinkJobSpec
    public typealias Status = Components.Schemas.FlinkJobStatus
    public static let resource = ResourceType(group: "nextbreakpoint.com", version: "v1", plural: "flinkjobs", kind: "FlinkJob")
}

/// A FlinkDeployment object.
public typealias FlinkDeployment = SpecResource<FlinkDeploymentKind>
/// A FlinkCluster object.
public typealias FlinkCluster = SpecResource<FlinkClusterKind>
/// A FlinkJob object.
public typealias FlinkJob = SpecResource<FlinkJobKind>
