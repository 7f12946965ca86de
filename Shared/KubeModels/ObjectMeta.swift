import Foundation

/// Kubernetes object metadata: the fields every object has.
public struct ObjectMeta: Codable, Hashable, Sendable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var finalizers: [String]?
    public var ownerReferences: [OwnerReference]?

    /// Metadata with a name, and optionally namespace, labels and annotations.
    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil, annotations: [String: String]? = nil,
        finalizers: [String]? = nil, ownerReferences: [OwnerReference]? = nil, generateName: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.finalizers = finalizers
        self.ownerReferences = ownerReferences
        self.generateName = generateName
    }

    /// Whether the object is being deleted (has a deletion timestamp).
    public var isDeleting: Bool { deletionTimestamp != nil }

    /// Whether `finalizer` is present.
    public func hasFinalizer(_ finalizer: String) -> Bool { finalizers?.contains(finalizer) ?? false }
}

/// A reference from a dependent to its owner, which drives garbage collection.
public struct OwnerReference: Codable, Hashable, Sendable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    /// A reference to an owner.
    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = true, blockOwnerDeletion: Bool? = true) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}

/// Metadata of a list: the resourceVersion to watch from.
public struct ListMeta: Codable, Hashable, Sendable {
    public var resourceVersion: String?
    public var `continue`: String?
}

/// A list of objects of one kind.
public struct ObjectList<Object: Codable & Sendable>: Codable, Sendable {
    public var metadata: ListMeta
    public var items: [Object]

    /// A list of `items` at `metadata`'s resourceVersion.
    public init(metadata: ListMeta, items: [Object]) {
        self.metadata = metadata
        self.items = items
    }
}

/// A Kubernetes `Status`, the body of every error answer.
public struct Status: Codable, Hashable, Sendable {
    public var status: String?
    public var message: String?
    public var reason: String?
    public var code: Int?
    public var details: StatusDetails?
}

/// Details of a `Status`: the fields an `Invalid` answer names.
public struct StatusDetails: Codable, Hashable, Sendable {
    public var name: String?
    public var kind: String?
    public var causes: [StatusCause]?
}

/// One cause of an `Invalid` answer.
public struct StatusCause: Codable, Hashable, Sendable {
    public var reason: String?
    public var message: String?
    public var field: String?
}
