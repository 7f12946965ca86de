import Foundation
import KubeClient
import KubeModels
import Synchronization

/// A scripted API server: objects kept as JSON, every write journaled in order and answered with the object at a new
/// resourceVersion. It plays the watch too: each write is upserted into (or removed from) the registered stores.
/// Conditional writes are checked like the API server does (stale resourceVersion → 409); an object with finalizers
/// is only marked deleted, and goes once its last finalizer is removed.
final class FakeKube: KubeAPI {
    struct Sink {
        var upsert: @Sendable (JSONValue) throws -> Void
        var remove: @Sendable (JSONValue) throws -> Void
    }

    private struct State {
        var objects: [String: JSONValue] = [:]
        var version = 100
        var generated = 0
        var sinks: [String: Sink] = [:]
        /// Scripted failures by `verb kind` (e.g. `create Pod`); each fails every such write while set.
        var failures: [String: KubeError] = [:]
    }

    let defaultNamespace = "flink-jobs"
    let journal: Journal
    private let state = Mutex(State())
    /// Runs after each journaled write is stored; throwing makes the caller see the error (the write stays done).
    let afterWrite = Mutex<(@Sendable (Journal.Entry) throws -> Void)?>(nil)

    init(journal: Journal) { self.journal = journal }

    func failure(_ write: String) -> KubeError? { state.withLock { $0.failures[write] } }
    func object(_ key: String) -> JSONValue? { state.withLock { $0.objects[key] } }

    func nextVersion() -> Int {
        state.withLock { state in
            state.version += 1
            return state.version
        }
    }

    /// Sets (nil removes) the object at `key`; returns the store watching its kind.
    func setObject(_ json: JSONValue?, at key: String, plural: String) -> Sink? {
        state.withLock { state in
            state.objects[key] = json
            return state.sinks[plural]
        }
    }

    /// Feeds `store` from this server (and marks it synced, as a first empty list would).
    func feed<Object: KubeResource>(_ store: ObjectStore<Object>) {
        _ = store.replace(with: [], resourceVersion: "1")
        let sink = Sink(
            upsert: { store.upsert(try $0.decode(as: Object.self)) }, remove: { store.remove(try $0.decode(as: Object.self)) })
        state.withLock { $0.sinks[Object.resource.plural] = sink }
    }

    /// Every `verb` (create, update, status, patch, delete) of `Object`s fails with `error` until `nil` is set.
    func fail<Object: KubeResource>(_ verb: String, _ type: Object.Type, with error: KubeError?) {
        state.withLock { $0.failures["\(verb) \(Object.resource.kind)"] = error }
    }

    /// A change made by someone else (a user, the operator): stored, not journaled, and seen by the watch.
    @discardableResult
    func apply<Object: KubeResource>(_ object: Object) throws -> Object {
        var json = try JSONValue(encoding: object)
        let key = Self.key(Object.self, json)
        let created = state.withLock { $0.objects[key] == nil }
        if created {
            json = Self.setting(json, ["metadata", "uid"], .string("uid-\(object.metadata.name ?? "")"))
            json = Self.setting(json, ["metadata", "generation"], 1)
        }
        return try store(json, as: Object.self)
    }

    /// The object as the server has it.
    func stored<Object: KubeResource>(_ type: Object.Type, _ name: String) -> Object? {
        let key = "\(Object.resource.plural)/\(defaultNamespace)/\(name)"
        return try? state.withLock { $0.objects[key] }?.decode(as: Object.self)
    }

    // MARK: KubeAPI

    func get<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String?) async throws -> Object {
        guard let object = try await getIfPresent(type, name: name, namespace: namespace) else { throw Self.notFound(name) }
        return object
    }

    func getIfPresent<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String?) async throws -> Object? {
        let key = "\(Object.resource.plural)/\(namespace ?? defaultNamespace)/\(name)"
        return try state.withLock { $0.objects[key] }?.decode(as: Object.self)
    }

    func list<Object: KubeResource>(
        _ type: Object.Type, namespace: String?, allNamespaces: Bool, labelSelector: String?, fieldSelector: String?
    ) async throws -> ObjectList<Object> {
        let prefix = "\(Object.resource.plural)/"
        let items = try state.withLock { $0.objects.filter { $0.key.hasPrefix(prefix) }.values }.map { try $0.decode(as: Object.self) }
        return ObjectList(metadata: try JSONValue.object([:]).decode(as: ListMeta.self), items: items)
    }

    func create<Object: KubeResource>(_ object: Object) async throws -> Object {
        try check("create", Object.self)
        var json = try JSONValue(encoding: object)
        var name = object.metadata.name ?? ""
        if name.isEmpty {
            let number = state.withLock { state -> Int in
                state.generated += 1
                return state.generated
            }
            name = "\(object.metadata.generateName ?? "object-")\(number)"
            json = Self.setting(json, ["metadata", "name"], .string(name))
        }
        json = Self.setting(json, ["metadata", "namespace"], .string(object.metadata.namespace ?? defaultNamespace))
        json = Self.setting(json, ["metadata", "uid"], .string("uid-\(name)"))
        if state.withLock({ $0.objects[Self.key(Object.self, json)] != nil }) {
            throw KubeError(kind: .alreadyExists, code: 409, message: "\(Object.resource.kind) \(name) exists")
        }
        let line = Object.self == Event.self ? Self.describeEvent(json) : "create \(Object.resource.kind) \(name)"
        return try write(json, as: Object.self, line: line)
    }

    func update<Object: KubeResource>(_ object: Object) async throws -> Object {
        try check("update", Object.self)
        let json = try current(Object.self, object.metadata.name ?? "", resourceVersion: object.metadata.resourceVersion)
        var updated = try JSONValue(encoding: object)
        updated = Self.setting(updated, ["status"], json["status"] ?? .null)
        return try write(updated, as: Object.self, line: "update \(Object.resource.kind) \(object.metadata.name ?? "")")
    }

    func updateStatus<Object: KubeResource>(_ object: Object) async throws -> Object {
        try check("status", Object.self)
        let name = object.metadata.name ?? ""
        let json = try current(Object.self, name, resourceVersion: object.metadata.resourceVersion)
        let status = try JSONValue(encoding: object)["status"] ?? .null
        let state = status["supervisorStatus"]?.stringValue.map { " \($0)" } ?? ""
        return try write(Self.setting(json, ["status"], status), as: Object.self, line: "status \(Object.resource.kind) \(name)\(state)")
    }

    func patch<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String?, patch: Patch, subresource: String?
    ) async throws -> Object {
        try check("patch", Object.self)
        var json = try current(Object.self, name, resourceVersion: nil)
        switch patch {
        case .merge(let value), .strategic(let value):
            json = Self.merge(value, into: json)
            let line = Object.self == Event.self ? "event repeated \(json["reason"]?.stringValue ?? "")" : "patch \(Object.resource.kind) \(name)"
            return try write(json, as: Object.self, line: line)
        case .json(let operations):
            var changes: [String] = []
            for operation in operations {
                let path = operation.path.split(separator: "/").map(String.init)
                if operation.op == "test" {
                    guard json[path] == operation.value else { throw Self.conflict(name) }
                    continue
                }
                json = Self.setting(json, path, operation.op == "remove" ? nil : operation.value)
                changes.append(Self.describe(path: path, value: operation.value))
            }
            return try write(json, as: Object.self, line: "patch \(Object.resource.kind) \(name) \(changes.joined(separator: " "))")
        }
    }

    func delete<Object: KubeResource>(
        _ type: Object.Type, name: String, namespace: String?, propagation: PropagationPolicy, gracePeriodSeconds: Int?,
        preconditions: DeletePreconditions?
    ) async throws {
        try check("delete", Object.self)
        let json = try current(Object.self, name, resourceVersion: nil)
        let line = "delete \(Object.resource.kind) \(name)"
        _ = try write(Self.setting(json, ["metadata", "deletionTimestamp"], "2030-01-01T00:00:00Z"), as: Object.self, line: line)
    }

    func scale<Object: KubeResource>(_ type: Object.Type, name: String, namespace: String?, replicas: Int) async throws -> Scale {
        try check("scale", Object.self)
        let json = try current(Object.self, name, resourceVersion: nil)
        let scaled = Self.setting(json, ["spec", "taskManagers"], .number(Double(replicas)))  // FlinkCluster's specReplicasPath
        _ = try write(scaled, as: Object.self, line: "scale \(Object.resource.kind) \(name) \(replicas)")
        let scale: JSONValue = [
            "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": ["name": .string(name)], "spec": ["replicas": .number(Double(replicas))],
        ]
        return try scale.decode(as: Scale.self)
    }
}
