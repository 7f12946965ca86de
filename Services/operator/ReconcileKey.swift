/// What a reconcile is about: one object of one kind, by name in the managed namespace.
enum ReconcileKey: Hashable, Sendable, CustomStringConvertible {
    case deployment(String)
    case cluster(String)
    case job(String)

    var kind: String {
        switch self {
        case .deployment: return "FlinkDeployment"
        case .cluster: return "FlinkCluster"
        case .job: return "FlinkJob"
        }
    }

    var description: String {
        switch self {
        case .deployment(let name), .cluster(let name), .job(let name): return "\(kind)/\(name)"
        }
    }
}
