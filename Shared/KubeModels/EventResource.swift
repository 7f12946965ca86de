/// A core/v1 Event: what a controller did to an object, or what went wrong.
public struct Event: KubeResource, Hashable {
    public static let resource = ResourceType(group: "", version: "v1", plural: "events", kind: "Event")
    public var apiVersion = "v1"
    public var kind = "Event"
    public var metadata: ObjectMeta
    public var involvedObject: ObjectReference
    public var reason: String?
    public var message: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var source: EventSource?
    public var count: Int?
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var reportingComponent: String?
    public var reportingInstance: String?

    /// An event about `involvedObject`.
    public init(metadata: ObjectMeta, involvedObject: ObjectReference, reason: String, message: String, type: String, source: EventSource) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
        self.source = source
        self.reportingComponent = source.component
    }
}

/// A reference to an object, as Events carry it.
public struct ObjectReference: Codable, Hashable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var name: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?

    /// A reference to `object`.
    public init<Object: KubeResource>(to object: Object) {
        apiVersion = Object.resource.apiVersion
        kind = Object.resource.kind
        name = object.metadata.name
        namespace = object.metadata.namespace
        uid = object.metadata.uid
    }
}

/// The component that reported an event.
public struct EventSource: Codable, Hashable, Sendable {
    public var component: String?
    public var host: String?

    /// A source named `component`.
    public init(component: String, host: String? = nil) {
        self.component = component
        self.host = host
    }
}
