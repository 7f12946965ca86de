/// Where a kind of object lives in the Kubernetes API.
public struct ResourceType: Hashable, Sendable, CustomStringConvertible {
    /// API group; empty for the core group.
    public var group: String
    public var version: String
    /// Plural resource name in URLs, e.g. `pods`.
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    /// Describes a resource.
    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool = true) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` or `group/version`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/group/version`.
    public var apiPrefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The collection path in `namespace` (ignored for cluster-scoped resources; `nil` means all namespaces).
    public func collectionPath(namespace: String?) -> String {
        guard namespaced, let namespace else { return "\(apiPrefix)/\(plural)" }
        return "\(apiPrefix)/namespaces/\(namespace)/\(plural)"
    }

    /// The path of one object, optionally of one of its subresources.
    public func objectPath(name: String, namespace: String?, subresource: String? = nil) -> String {
        let base = "\(collectionPath(namespace: namespace))/\(name)"
        return subresource.map { "\(base)/\($0)" } ?? base
    }

    /// `plural.group`, as kubectl names it.
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

/// An object the client can read and write, of a known resource type.
public protocol KubeResource: Codable, Sendable {
    /// Where objects of this type live.
    static var resource: ResourceType { get }
    /// The object's metadata.
    var metadata: ObjectMeta { get set }
}

extension KubeResource {
    /// `namespace/name` (or `name` for cluster-scoped objects): the key of caches and work queues.
    public var key: ObjectKey { ObjectKey(namespace: metadata.namespace, name: metadata.name ?? "") }
}

/// The identity of an object within a resource type.
public struct ObjectKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var namespace: String?
    public var name: String

    /// A key; `namespace` is `nil` for cluster-scoped objects.
    public init(namespace: String?, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name`.
    public var description: String { namespace.map { "\($0)/\(name)" } ?? name }

    /// Orders by namespace, then name.
    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        // The order of the descriptions ("namespace/name"), without making them when the namespaces are equal.
        lhs.namespace == rhs.namespace ? lhs.name < rhs.name : lhs.description < rhs.description
    }
}
