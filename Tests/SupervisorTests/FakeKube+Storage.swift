import Foundation
import KubeClient
import KubeModels

/// The fake API server's storage: resourceVersions, deletion with finalizers, and the JSON edits patches make.
extension FakeKube {
    static func key<Object: KubeResource>(_ type: Object.Type, _ json: JSONValue) -> String {
        "\(Object.resource.plural)/\(json["metadata"]?["namespace"]?.stringValue ?? "flink-jobs")/\(json["metadata"]?["name"]?.stringValue ?? "")"
    }

    static func notFound(_ name: String) -> KubeError { KubeError(kind: .notFound, code: 404, message: "\(name) not found") }
    static func conflict(_ name: String) -> KubeError { KubeError(kind: .conflict, code: 409, message: "\(name) changed") }

    func check<Object: KubeResource>(_ verb: String, _ type: Object.Type) throws {
        if let error = failure("\(verb) \(Object.resource.kind)") {
            journal.append("\(verb) \(Object.resource.kind) failed: \(error.code)")
            throw error
        }
    }

    /// The stored object `name`, when `resourceVersion` (if given) is still current.
    func current<Object: KubeResource>(_ type: Object.Type, _ name: String, resourceVersion: String?) throws -> JSONValue {
        guard let json = object("\(Object.resource.plural)/\(defaultNamespace)/\(name)") else { throw Self.notFound(name) }
        if let resourceVersion, json["metadata"]?["resourceVersion"]?.stringValue != resourceVersion { throw Self.conflict(name) }
        return json
    }

    /// Stores a journaled write and runs the after-write hook.
    func write<Object: KubeResource>(_ json: JSONValue, as type: Object.Type, line: String) throws -> Object {
        let stored = try store(json, as: Object.self)
        let entry = Journal.Entry(line: line, object: try JSONValue(encoding: stored))
        journal.append(entry.line, entry.object)
        try afterWrite.withLock { $0 }?(entry)
        return stored
    }

    /// Stores `json` at a new resourceVersion (removing it when it is deleted and has no finalizer left) and shows it
    /// to the watching store.
    func store<Object: KubeResource>(_ json: JSONValue, as type: Object.Type) throws -> Object {
        let key = Self.key(Object.self, json)
        let deleting = json["metadata"]?["deletionTimestamp"]?.stringValue != nil
        let gone = deleting && (json["metadata"]?["finalizers"]?.arrayValue ?? []).isEmpty
        let version = nextVersion()
        let json = Self.setting(json, ["metadata", "resourceVersion"], .string(String(version)))
        let sink = setObject(gone ? nil : json, at: key, plural: Object.resource.plural)
        if gone { try sink?.remove(json) } else { try sink?.upsert(json) }
        return try json.decode(as: Object.self)
    }

    /// `json` with the value at `path` set (nil removes it), creating objects on the way.
    static func setting(_ json: JSONValue, _ path: [String], _ value: JSONValue?) -> JSONValue {
        guard let first = path.first else { return value ?? .null }
        var object = json.objectValue ?? [:]
        if path.count == 1 {
            object[first] = value
        } else {
            object[first] = setting(object[first] ?? [:], Array(path.dropFirst()), value)
        }
        return .object(object)
    }

    /// RFC 7386: objects merge, null removes.
    static func merge(_ patch: JSONValue, into json: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var object = json.objectValue ?? [:]
        for (key, value) in changes {
            object[key] = value == .null ? nil : merge(value, into: object[key] ?? .null)
        }
        return .object(object)
    }

    /// `finalizers=[a,b]` or `annotations` for a journal line.
    static func describe(path: [String], value: JSONValue?) -> String {
        guard path.last == "finalizers" else { return path.last ?? "" }
        return "finalizers=[\((value?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ","))]"
    }

    /// `event Warning Forbidden on FlinkCluster demo`.
    static func describeEvent(_ json: JSONValue) -> String {
        let involved = json["involvedObject"]
        return "event \(json["type"]?.stringValue ?? "") \(json["reason"]?.stringValue ?? "") on "
            + "\(involved?["kind"]?.stringValue ?? "") \(involved?["name"]?.stringValue ?? "")"
    }
}

extension JSONValue {
    /// The value at `path`.
    subscript(path: [String]) -> JSONValue? {
        path.reduce(Optional(self)) { $0?[$1] }
    }
}
