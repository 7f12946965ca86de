import KubeModels
import ToolboxAPI

/// Small JSON builders shared by the objects a supervisor creates.
enum ContainerAssembly {
    /// Node label the default affinities spread or gather pods on.
    static let hostTopologyKey = "kubernetes.io/hostname"

    /// The labels of everything with `role` in cluster `cluster`.
    static func labels(cluster: String, role: String) -> [String: String] {
        ToolboxLabels.cluster(cluster).merging(["role": role]) { _, new in new }
    }

    /// A controlling owner reference to `owner` that does not block its deletion (nil when it has no uid yet).
    static func ownerReferences<Owner: KubeResource>(to owner: Owner) -> [OwnerReference]? {
        ToolboxLabels.ownerReference(to: owner).map {
            var reference = $0
            reference.blockOwnerDeletion = false
            return [reference]
        }
    }

    /// `labels` as a JSON object.
    static func labelsValue(_ labels: [String: String]) -> JSONValue {
        .object(labels.mapValues { .string($0) })
    }

    /// An environment variable read from the pod's own field `path`.
    static func fieldEnv(_ name: String, _ path: String) -> JSONValue {
        ["name": .string(name), "valueFrom": ["fieldRef": ["fieldPath": .string(path)]]]
    }

    /// An environment variable with a literal value.
    static func env(_ name: String, _ value: String) -> JSONValue {
        ["name": .string(name), "value": .string(value)]
    }

    /// `POD_NAME` and `POD_NAMESPACE` from the downward API.
    static let podIdentityEnv: [JSONValue] = [fieldEnv("POD_NAME", "metadata.name"), fieldEnv("POD_NAMESPACE", "metadata.namespace")]

    /// A named TCP container port.
    static func containerPort(_ name: String, _ port: Int) -> JSONValue {
        ["name": .string(name), "containerPort": .number(Double(port)), "protocol": "TCP"]
    }

    /// An array of strings.
    static func strings(_ values: [String]) -> JSONValue {
        .array(values.map { .string($0) })
    }

    /// A generated model as JSON; nil when absent, unencodable or JSON null.
    static func encoded<Value: Encodable>(_ value: Value?) -> JSONValue? {
        guard let value, let json = try? JSONValue(encoding: value), json != .null else { return nil }
        return json
    }

    /// A list of generated models as JSON elements; empty when absent.
    static func encodedList<Value: Encodable>(_ values: [Value]?) -> [JSONValue] {
        (values ?? []).compactMap { encoded($0) }
    }

    /// A weighted pod affinity term: pods labelled `labels` on the same host.
    static func weightedHostTerm(weight: Int, labels: [String: String]) -> JSONValue {
        [
            "weight": .number(Double(weight)),
            "podAffinityTerm": ["topologyKey": .string(hostTopologyKey), "labelSelector": ["matchLabels": labelsValue(labels)]],
        ]
    }

    /// Sets `key` of `object` to the array `values` unless it is empty.
    static func set(_ key: String, _ values: [JSONValue], in object: inout JSONValue) {
        if !values.isEmpty { object[key] = .array(values) }
    }

    /// Sets `key` of `object` to `value` unless it is nil.
    static func set(_ key: String, _ value: JSONValue?, in object: inout JSONValue) {
        if let value { object[key] = value }
    }

    /// The `imagePullSecrets` of one named secret.
    static func pullSecrets(_ name: String?) -> [JSONValue] {
        name.map { [["name": .string($0)]] } ?? []
    }
}
