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
