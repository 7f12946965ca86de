/// The one finalizer helper of every controller: add a finalizer on first sight, remove it once the cleanup it guards
/// is done. Both writes are JSON patches conditional on the resourceVersion the decision was made on (a `test`
/// operation), so a concurrent change fails the write with a retryable conflict instead of overwriting another
/// process's finalizer; an object that is already gone counts as done.
extension KubeAPI {
    /// Adds `finalizer` to `object` unless present.
    public func addFinalizer<Object: KubeResource>(_ finalizer: String, to object: Object) async throws {
        guard !object.metadata.hasFinalizer(finalizer) else { return }
        try await writeFinalizers((object.metadata.finalizers ?? []) + [finalizer], of: object)
    }

    /// Removes `finalizer` from `object` if present.
    public func removeFinalizer<Object: KubeResource>(_ finalizer: String, from object: Object) async throws {
        guard object.metadata.hasFinalizer(finalizer) else { return }
        try await writeFinalizers((object.metadata.finalizers ?? []).filter { $0 != finalizer }, of: object)
    }

    private func writeFinalizers<Object: KubeResource>(_ finalizers: [String], of object: Object) async throws {
        let operations = [
            JSONPatchOperation(op: "test", path: "/metadata/resourceVersion", value: .string(object.metadata.resourceVersion ?? "")),
            JSONPatchOperation(op: "add", path: "/metadata/finalizers", value: .array(finalizers.map { .string($0) })),
        ]
        do {
            try await patchUnread(
                Object.self, name: object.metadata.name ?? "", namespace: object.metadata.namespace, patch: .json(operations), subresource: nil)
        } catch let error as KubeError where error.kind == .notFound {}
    }
}
