import KubeClient

/// What a reconcile is about: one object of one kind, by namespace and name.
enum ReconcileKey: Hashable, Sendable, CustomStringConvertible {
    case deployment(ObjectKey)
    case cluster(ObjectKey)
    case job(ObjectKey)

    var kind: String {
        switch self {
        case .deployment: return "FlinkDeployment"
        case .cluster: return "FlinkCluster"
        case .job: return "FlinkJob"
        }
    }

    /// The object's namespace and name.
    var key: ObjectKey {
        switch self {
        case .deployment(let key), .cluster(let key), .job(let key): return key
        }
    }

    var description: String { "\(kind)/\(key)" }
}
