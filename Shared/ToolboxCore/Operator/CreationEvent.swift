/// The objects one reconcile pass created, told in one Event instead of one each (Events were 5 of the 14 writes a
/// FlinkDeployment took to converge): one object keeps its kind's own reason (`ClusterCreated`, `JobCreated`, ...),
/// several are `Created` with every object named.
public struct CreationEvent: Sendable {
    /// What was created, in order: the Event reason for that one object and what to call it.
    public private(set) var created: [(reason: String, object: String)] = []

    /// Nothing created yet.
    public init() {}

    /// Notes that `object` (for example "FlinkJob demo-a") was created; `reason` is its Event reason when alone.
    public mutating func add(reason: String, object: String) { created.append((reason, object)) }

    /// The Event's reason and message; `nil` when nothing was created.
    public var event: (reason: String, message: String)? {
        guard let first = created.first else { return nil }
        if created.count == 1 { return (first.reason, "created \(first.object)") }
        return ("Created", "created " + created.map(\.object).joined(separator: ", "))
    }
}
