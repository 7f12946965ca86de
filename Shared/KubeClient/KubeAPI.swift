/// The Kubernetes calls a controller and an `EventRecorder` make, so tests can script the API server without a
/// socket. `KubeClient` is the real one; watches stay on the concrete client (reflectors need it).
///
/// The requirements take every argument; the extension below adds the defaults `KubeClient` spells out.
public protocol KubeAPI: Sendable {
    /// Namespace used when a call names none.
    var defaultNamespace: String { get }
    /// Reads one object.
    func get<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String?) async throws -> Object
    /// Reads an object, or `nil` when it does not exist.
    func getIfPresent<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String?) async throws -> Object?
    /// Lists objects in a namespace (all namespaces with `allNamespaces`), filtered by label and field selectors.
    func list<Object: KubeResource>(
        _ type: Object.Type, namespace: String?, allNamespaces: Bool, labelSelector: String?, fieldSelector: String?
    ) async throws -> ObjectList<Object>
    /// Creates `object`; returns it as stored.
    func create<Object: KubeResource>(_ object: Object) async throws -> Object
    /// Replaces `object`; fails with `.conflict` when its resourceVersion is stale.
    func update<Object: KubeResource>(_ object: Object) async throws -> Object
    /// Replaces the status of `object` through the status subresource.
    func updateStatus<Object: KubeResource>(_ object: Object) async throws -> Object
    /// Patches an object, or one of its subresources.
    func patch<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String?, patch: Patch, subresource: String?
    ) async throws -> Object
    /// Deletes an object; its dependents follow `propagation`.
    func delete<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String?, propagation: PropagationPolicy, gracePeriodSeconds: Int?,
        preconditions: DeletePreconditions?
    ) async throws
    /// Sets the desired replicas through the scale subresource.
    func scale<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String?, replicas: Int) async throws -> Scale
    /// `create` for a caller that does not read the answer (`KubeClient` leaves it undecoded; the default decodes it).
    func createUnread<Object: KubeResource>(_ object: Object) async throws
    /// `patch` for a caller that does not read the answer (`KubeClient` leaves it undecoded; the default decodes it).
    func patchUnread<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String?, patch: Patch, subresource: String?
    ) async throws
}

extension KubeClient: KubeAPI {}

extension KubeAPI {
    /// The default `createUnread`: a `create` whose answer is dropped.
    public func createUnread<Object: KubeResource>(_ object: Object) async throws {
        _ = try await create(object)
    }

    /// The default `patchUnread`: a `patch` whose answer is dropped.
    public func patchUnread<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String?, patch: Patch, subresource: String?
    ) async throws {
        _ = try await self.patch(type, name: name, namespace: namespace, patch: patch, subresource: subresource)
    }

    /// Reads one object in the default namespace.
    public func get<Object: KubeResource>(_ type: Object.Type, name: String) async throws -> Object {
        try await get(type, name: name, namespace: nil)
    }

    /// Reads an object in the default namespace, or `nil` when it does not exist.
    public func getIfPresent<Object: KubeResource>(_ type: Object.Type, name: String) async throws -> Object? {
        try await getIfPresent(type, name: name, namespace: nil)
    }

    /// Patches an object itself (no subresource).
    public func patch<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String?, patch: Patch) async throws -> Object {
        try await self.patch(type, name: name, namespace: namespace, patch: patch, subresource: nil)
    }

    /// Deletes an object without preconditions.
    public func delete<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String?, propagation: PropagationPolicy, gracePeriodSeconds: Int?
    ) async throws {
        try await delete(type, name: name, namespace: namespace, propagation: propagation, gracePeriodSeconds: gracePeriodSeconds, preconditions: nil)
    }
}
