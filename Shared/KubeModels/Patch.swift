import Foundation

/// A patch of an object, in one of the three formats the Kubernetes API accepts.
public enum Patch: Sendable {
    /// RFC 7386 JSON merge patch: objects merge, `null` removes, arrays replace.
    case merge(JSONValue)
    /// RFC 6902 JSON patch: a list of operations.
    case json([JSONPatchOperation])
    /// Kubernetes strategic merge patch (built-in kinds only).
    case strategic(JSONValue)

    /// The `Content-Type` of the patch.
    public var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .json: return "application/json-patch+json"
        case .strategic: return "application/strategic-merge-patch+json"
        }
    }

    /// The patch body.
    public func body() throws -> Data {
        switch self {
        case .merge(let value), .strategic(let value): return try KubeJSON.encoder.encode(value)
        case .json(let operations): return try KubeJSON.encoder.encode(operations)
        }
    }
}

/// One RFC 6902 operation.
public struct JSONPatchOperation: Codable, Sendable, Hashable {
    /// `add`, `remove`, `replace`, `move`, `copy` or `test`.
    public var op: String
    public var path: String
    public var value: JSONValue?
    public var from: String?

    /// An operation; `path` is a JSON pointer (`/metadata/finalizers/0`).
    public init(op: String, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    /// Escapes a key for use in a JSON pointer (`~` → `~0`, `/` → `~1`).
    public static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}

/// What happens to an object's dependents when it is deleted.
public enum PropagationPolicy: String, Sendable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

/// Conditions a delete must meet, or it fails with a conflict.
public struct DeletePreconditions: Sendable, Codable, Hashable {
    public var uid: String?
    public var resourceVersion: String?

    /// Preconditions on uid and/or resourceVersion.
    public init(uid: String? = nil, resourceVersion: String? = nil) {
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}
