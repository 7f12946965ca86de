import Foundation
import NIOHTTP1

extension KubeClient {
    /// Reads one object; `namespace` defaults to the client's.
    public func get<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String? = nil) async throws -> Object {
        let data = try await send(.GET, Object.resource.objectPath(name: name, namespace: ns(namespace)), resource: Object.resource.plural)
        return try decode(Object.self, data)
    }

    /// Reads an object, or `nil` when it does not exist.
    public func getIfPresent<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String? = nil) async throws -> Object? {
        do {
            return try await get(type, name: name, namespace: namespace)
        } catch let error as KubeError where error.kind == .notFound {
            return nil
        }
    }

    /// Lists objects in a namespace (all namespaces with `allNamespaces`), filtered by label and field selectors.
    public func list<Object: KubeResource>(
        _ type: Object.Type, namespace: String? = nil, allNamespaces: Bool = false, labelSelector: String? = nil, fieldSelector: String? = nil
    ) async throws -> ObjectList<Object> {
        let list = try await listLenient(
            Object.self, namespace: allNamespaces ? nil : ns(namespace), labelSelector: labelSelector, fieldSelector: fieldSelector)
        if let failure = list.failures.first { throw KubeError(kind: .decoding, code: 0, message: failure.message) }
        return ObjectList(metadata: list.metadata, items: list.items)
    }

    /// Creates `object` in its namespace (or the client's).
    public func create<Object: KubeResource>(_ object: Object) async throws -> Object {
        try decode(Object.self, try await post(object))
    }

    /// Replaces `object`; fails with `.conflict` when its resourceVersion is stale.
    public func update<Object: KubeResource>(_ object: Object) async throws -> Object {
        try await put(object, subresource: nil)
    }

    /// Replaces the status of `object` through the status subresource.
    public func updateStatus<Object: KubeResource>(_ object: Object) async throws -> Object {
        try await put(object, subresource: "status")
    }

    /// Patches an object, or one of its subresources (`status`, `scale`).
    public func patch<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String? = nil, patch: Patch, subresource: String? = nil
    ) async throws -> Object {
        try decode(Object.self, try await send(patch, to: Object.self, name: name, namespace: namespace, subresource: subresource))
    }

    /// Deletes an object; its dependents follow `propagation`.
    public func delete<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String? = nil, propagation: PropagationPolicy = .background,
        gracePeriodSeconds: Int? = nil, preconditions: DeletePreconditions? = nil
    ) async throws {
        var options: JSONValue = ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": .string(propagation.rawValue)]
        if let gracePeriodSeconds { options["gracePeriodSeconds"] = .number(Double(gracePeriodSeconds)) }
        if let preconditions { options["preconditions"] = try JSONValue(encoding: preconditions) }
        let path = Object.resource.objectPath(name: name, namespace: ns(namespace))
        _ = try await send(.DELETE, path, body: try KubeJSON.encoder.encode(options), resource: Object.resource.plural)
    }

    /// Reads the scale subresource of an object.
    public func getScale<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String? = nil) async throws -> Scale {
        let path = Object.resource.objectPath(name: name, namespace: ns(namespace), subresource: "scale")
        return try decode(Scale.self, try await send(.GET, path, resource: "\(Object.resource.plural)/scale"))
    }

    /// Sets the desired replicas through the scale subresource.
    public func scale<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String? = nil, replicas: Int) async throws -> Scale {
        let path = Object.resource.objectPath(name: name, namespace: ns(namespace), subresource: "scale")
        let patch = Patch.merge(["spec": ["replicas": .number(Double(replicas))]])
        let data = try await send(.PATCH, path, body: try patch.body(), contentType: patch.contentType, resource: "\(Object.resource.plural)/scale")
        return try decode(Scale.self, data)
    }

    private func put<Object: KubeResource>(_ object: Object, subresource: String?) async throws -> Object {
        try decode(Object.self, try await putUnread(object, subresource: subresource))
    }

    /// POSTs `object` to its collection; the server's answer, undecoded.
    private func post<Object: KubeResource>(_ object: Object) async throws -> Data {
        let path = Object.resource.collectionPath(namespace: ns(object.metadata.namespace))
        return try await send(.POST, path, body: try KubeJSON.encoder.encode(object), resource: Object.resource.plural)
    }

    /// Sends `patch` to an object or its subresource; the server's answer, undecoded.
    private func send<Object: KubeResource>(
        _ patch: Patch, to type: Object.Type, name: String, namespace: String?, subresource: String?
    ) async throws -> Data {
        let path = Object.resource.objectPath(name: name, namespace: ns(namespace), subresource: subresource)
        let resource = subresource.map { "\(Object.resource.plural)/\($0)" } ?? Object.resource.plural
        return try await send(.PATCH, path, body: try patch.body(), contentType: patch.contentType, resource: resource)
    }

    /// PUTs `object` (or its subresource); the server's answer, undecoded.
    private func putUnread<Object: KubeResource>(_ object: Object, subresource: String?) async throws -> Data {
        guard let name = object.metadata.name else { throw KubeError(kind: .badRequest, code: 0, message: "object has no name") }
        let path = Object.resource.objectPath(name: name, namespace: ns(object.metadata.namespace), subresource: subresource)
        let resource = subresource.map { "\(Object.resource.plural)/\($0)" } ?? Object.resource.plural
        return try await send(.PUT, path, body: try KubeJSON.encoder.encode(object), resource: resource)
    }

    // MARK: - writes whose answer is not read
    //
    // A controller learns the stored object from its watch, so decoding the server's answer to its write is work
    // thrown away: it was an eighth of the operator's CPU while it converged 1,000 FlinkDeployments. These send the
    // same request and check the status code, and leave the body unread.

    /// `create` without decoding the stored object the server answers.
    public func createUnread<Object: KubeResource>(_ object: Object) async throws {
        _ = try await post(object)
    }

    /// `update` without decoding the stored object the server answers.
    public func updateUnread<Object: KubeResource>(_ object: Object) async throws {
        _ = try await putUnread(object, subresource: nil)
    }

    /// `updateStatus` without decoding the stored object the server answers.
    public func updateStatusUnread<Object: KubeResource>(_ object: Object) async throws {
        _ = try await putUnread(object, subresource: "status")
    }

    /// `patch` without decoding the stored object the server answers.
    public func patchUnread<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String?, patch: Patch, subresource: String?
    ) async throws {
        _ = try await send(patch, to: type, name: name, namespace: namespace, subresource: subresource)
    }

    func ns(_ namespace: String?) -> String { namespace ?? defaultNamespace }

    func decode<Value: Decodable>(_ type: Value.Type, _ data: Data) throws -> Value {
        do {
            return try KubeJSON.decoder.decode(Value.self, from: data)
        } catch {
            throw KubeError(kind: .decoding, code: 0, message: "cannot decode \(Value.self): \(error)")
        }
    }
}
