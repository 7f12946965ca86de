import ToolboxAPI

/// A FlinkDeployment (nextbreakpoint.com/v1): one cluster and its jobs, split by the operator.
public struct FlinkDeployment: KubeResource {
    public static let resource = ResourceType(group: "nextbreakpoint.com", version: "v1", plural: "flinkdeployments", kind: "FlinkDeployment")
    public var apiVersion = "nextbreakpoint.com/v1"
    public var kind = "FlinkDeployment"
    public var metadata: ObjectMeta
    public var spec: Components.Schemas.FlinkDeploymentSpec
    public var status: Components.Schemas.FlinkDeploymentStatus?

    /// A FlinkDeployment with metadata and a spec.
    public init(metadata: ObjectMeta, spec: Components.Schemas.FlinkDeploymentSpec) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// A FlinkCluster (nextbreakpoint.com/v1): a Flink session cluster run by a supervisor.
public struct FlinkCluster: KubeResource {
    public static let resource = ResourceType(group: "nextbreakpoint.com", version: "v1", plural: "flinkclusters", kind: "FlinkCluster")
    public var apiVersion = "nextbreakpoint.com/v1"
    public var kind = "FlinkCluster"
    public var metadata: ObjectMeta
    public var spec: Components.Schemas.FlinkClusterSpec
    public var status: Components.Schemas.FlinkClusterStatus?

    /// A FlinkCluster with metadata and a spec.
    public init(metadata: ObjectMeta, spec: Components.Schemas.FlinkClusterSpec) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// A FlinkJob (nextbreakpoint.com/v1): a job running in a FlinkCluster.
public struct FlinkJob: KubeResource {
    public static let resource = ResourceType(group: "nextbreakpoint.com", version: "v1", plural: "flinkjobs", kind: "FlinkJob")
    public var apiVersion = "nextbreakpoint.com/v1"
    public var kind = "FlinkJob"
    public var metadata: ObjectMeta
    public var spec: Components.Schemas.FlinkJobSpec
    public var status: Components.Schemas.FlinkJobStatus?

    /// A FlinkJob with metadata and a spec.
    public init(metadata: ObjectMeta, spec: Components.Schemas.FlinkJobSpec) {
        self.metadata = metadata
        self.spec = spec
    }
}
