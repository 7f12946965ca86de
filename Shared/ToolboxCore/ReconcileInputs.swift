import KubeModels

/// What a reconcile reads, as one digest: the metadata (without resourceVersion) and spec of the objects a
/// controller decides from, and the status only of objects it does not write itself (pods, batch Jobs). A controller
/// runtime uses it to retry a terminal failure only when one of these changes (`Reconciler.inputs(of:)`).
public struct ReconcileInputs {
    private var parts: [String] = []

    /// No inputs yet.
    public init() {}

    /// Adds `object`; `withStatus` for objects whose status another process writes.
    public mutating func add<Kind: ResourceKind>(_ object: SpecResource<Kind>?, withStatus: Bool = false) {
        guard let object else {
            parts.append("-")
            return
        }
        var metadata = object.metadata
        metadata.resourceVersion = nil
        parts.append(SpecDigest.of(metadata) + SpecDigest.of(object.spec) + (withStatus ? SpecDigest.of(object.status) : ""))
    }

    /// Adds every object of `objects`, in a stable order.
    public mutating func add<Kind: ResourceKind>(all objects: [SpecResource<Kind>], withStatus: Bool = false) {
        for object in objects.sorted(by: { $0.key < $1.key }) { add(object, withStatus: withStatus) }
    }

    /// The digest of everything added.
    public var digest: String { SpecDigest.of(parts) }
}
