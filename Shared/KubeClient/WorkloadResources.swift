/// An apps/v1 Deployment. `spec` is kept whole; the status counts are typed.
public struct Deployment: KubeResource, Hashable {
    public static let resource = ResourceType(group: "apps", version: "v1", plural: "deployments", kind: "Deployment")
    public var apiVersion = "apps/v1"
    public var kind = "Deployment"
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: WorkloadStatus?

    /// A deployment with metadata and a spec.
    public init(metadata: ObjectMeta, spec: JSONValue?) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// A batch/v1 Job. `spec` is kept whole; the status counts are typed.
public struct Job: KubeResource, Hashable {
    public static let resource = ResourceType(group: "batch", version: "v1", plural: "jobs", kind: "Job")
    public var apiVersion = "batch/v1"
    public var kind = "Job"
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: WorkloadStatus?

    /// A job with metadata and a spec.
    public init(metadata: ObjectMeta, spec: JSONValue?) {
        self.metadata = metadata
        self.spec = spec
    }
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

/// A coordination.k8s.io/v1 Lease, the lock of leader election.
public struct Lease: KubeResource, Hashable {
    public static let resource = ResourceType(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease")
    public var apiVersion = "coordination.k8s.io/v1"
    public var kind = "Lease"
    public var metadata: ObjectMeta
    public var spec: LeaseSpec

    /// A lease with metadata and a spec.
    public init(metadata: ObjectMeta, spec: LeaseSpec) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// Who holds a lease and until when. Times are RFC 3339 with microseconds, as Kubernetes writes them.
public struct LeaseSpec: Codable, Hashable, Sendable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int?

    /// A lease spec.
    public init(holderIdentity: String?, leaseDurationSeconds: Int?, acquireTime: String?, renewTime: String?, leaseTransitions: Int?) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }
}

/// An autoscaling/v1 Scale, the body of `scale` subresources.
public struct Scale: Codable, Hashable, Sendable {
    public var apiVersion = "autoscaling/v1"
    public var kind = "Scale"
    public var metadata: ObjectMeta
    public var spec: ScaleSpec
    public var status: ScaleStatus?
}

/// Desired replicas of a scale subresource.
public struct ScaleSpec: Codable, Hashable, Sendable {
    public var replicas: Int?
}

/// Observed replicas and selector of a scale subresource.
public struct ScaleStatus: Codable, Hashable, Sendable {
    public var replicas: Int?
    public var selector: String?
}
