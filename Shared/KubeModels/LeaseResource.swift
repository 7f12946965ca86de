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
