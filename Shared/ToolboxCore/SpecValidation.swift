import Foundation
import KubeModels

/// The subset of JSON Schema that `openapi/toolbox.yaml` uses on the control plane's request bodies: types,
/// `required`, `nullable`, `minLength`, `maxLength`, `pattern`, `minimum`, `enum`, `maxItems`, `maxProperties`, int32
/// ranges, and free-form objects (the
/// embedded Kubernetes core/v1 types, which the API server checks against their upstream schema).
public indirect enum BodySchema: Sendable {
    /// An object with known properties; other properties are allowed (the contract does not forbid them).
    case object(properties: [String: BodySchema], required: Set<String> = [], nullable: Set<String> = [])
    /// `type: object, additionalProperties: true`.
    case freeForm
    /// `type: object, additionalProperties: <schema>`, with at most `maxProperties` entries.
    case map(BodySchema, maxProperties: Int? = nil)
    /// `type: array` with at most `maxItems` items.
    case array(BodySchema, maxItems: Int? = nil)
    /// `type: string`; lengths count Unicode scalars, as JSON Schema does.
    case string(minLength: Int = 0, maxLength: Int? = nil, pattern: String? = nil, values: [String]? = nil)
    /// `type: integer, format: int32`.
    case int32(minimum: Int32? = nil)
    case boolean
}

/// Why a request body does not satisfy its schema, naming the field.
public struct SpecViolation: Error, Equatable, CustomStringConvertible {
    /// Dotted path of the field (`cluster.runtime.image`, `jobs[0].name`), empty for the whole body.
    public let field: String
    /// What is wrong with it.
    public let problem: String

    public var description: String { field.isEmpty ? "body \(problem)" : "field '\(field)' \(problem)" }
}

/// Checks request bodies against the constraints the contract declares, before anything is sent to Kubernetes.
public enum SpecValidation {
    /// The first violation of `schema` in `value`, or nil when the body is valid.
    public static func violation(of schema: BodySchema, in value: JSONValue) -> SpecViolation? {
        check(value, schema, path: "")
    }

    private static func check(_ value: JSONValue, _ schema: BodySchema, path: String) -> SpecViolation? {
        func fail(_ problem: String) -> SpecViolation { SpecViolation(field: path, problem: problem) }
        switch (schema, value) {
        case (.object(let properties, let required, let nullable), .object(let fields)):
            for name in required.sorted() where fields[name] == nil {
                return SpecViolation(field: join(path, name), problem: "is required")
            }
            for (name, field) in fields.sorted(by: { $0.key < $1.key }) {
                guard let propertySchema = properties[name] else { continue }
                if case .null = field {
                    if nullable.contains(name) { continue }
                    return SpecViolation(field: join(path, name), problem: "must not be null")
                }
                if let violation = check(field, propertySchema, path: join(path, name)) { return violation }
            }
            return nil
        case (.freeForm, .object):
            return nil
        case (.map(let valueSchema, let maxProperties), .object(let fields)):
            if let maxProperties, fields.count > maxProperties { return fail("must have at most \(maxProperties) entries") }
            for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
                if let violation = check(field, valueSchema, path: join(path, key)) { return violation }
            }
            return nil
        case (.array(let itemSchema, let maxItems), .array(let items)):
            if let maxItems, items.count > maxItems { return fail("must have at most \(maxItems) items") }
            for (index, item) in items.enumerated() {
                if let violation = check(item, itemSchema, path: "\(path)[\(index)]") { return violation }
            }
            return nil
        case (.string(let minLength, let maxLength, let pattern, let values), .string(let text)):
            let length = text.unicodeScalars.count
            if length < minLength {
                return fail(minLength == 1 ? "must not be empty" : "must have at least \(minLength) characters")
            }
            if let maxLength, length > maxLength { return fail("must have at most \(maxLength) characters") }
            if let pattern, !matches(text, pattern) { return fail("must match \(pattern)") }
            if let values, !values.contains(text) { return fail("must be one of \(values.joined(separator: ", "))") }
            return nil
        case (.int32(let minimum), .number(let number)):
            guard number.rounded() == number, number >= Double(Int32.min), number <= Double(Int32.max) else {
                return fail("must be a 32-bit integer")
            }
            if let minimum, number < Double(minimum) { return fail("must be \(minimum) or more") }
            return nil
        case (.boolean, .bool):
            return nil
        default:
            return fail("must be \(expected(schema))")
        }
    }

    private static func expected(_ schema: BodySchema) -> String {
        switch schema {
        case .object, .freeForm, .map: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .int32: return "an integer"
        case .boolean: return "true or false"
        }
    }

    private static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    private static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }
}

/// The request-body schemas of `openapi/toolbox.yaml` (components/schemas), as the control plane checks them.
public enum ContractSchemas {
    static let label = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
    /// A job's name in a FlinkDeployment (the value of its `jobName` label).
    static let name = BodySchema.string(minLength: 1, maxLength: 63, pattern: label)
    static let pullPolicy = BodySchema.string(values: ["Never", "Always", "IfNotPresent"])
    /// Container commands, arguments and program arguments.
    static let strings = BodySchema.array(.string(maxLength: 32768), maxItems: 256)
    static let objects = BodySchema.array(.freeForm)
    static let image = BodySchema.string(minLength: 1, maxLength: 4096)
    static let path = BodySchema.string(minLength: 1, maxLength: 4096)
    /// The name of a Kubernetes object the pods refer to (service account, pull secret): a DNS-1123 subdomain.
    static let objectName = BodySchema.string(
        maxLength: 253, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    )
    /// Pod annotations (the keys are checked by the CRD's CEL rule, by the API server).
    static let annotations = BodySchema.map(.string(maxLength: 4096), maxProperties: 64)

    /// Properties JobManagerSpec and TaskManagerSpec share.
    static let podProperties: [String: BodySchema] = [
        "serviceAccount": objectName, "annotations": annotations, "command": strings, "args": strings,
        "environment": objects, "environmentFrom": objects, "volumes": objects, "volumeMounts": objects,
        "extraPorts": objects, "initContainers": objects, "sideContainers": objects, "resources": .freeForm,
        "securityContext": .freeForm, "affinity": .freeForm, "tolerations": objects, "topologySpreadConstraints": objects,
    ]

    static let runtime = BodySchema.object(
        properties: ["image": image, "pullPolicy": pullPolicy, "pullSecrets": objectName], required: ["image"]
    )
    static let jobManager = BodySchema.object(
        properties: podProperties.merging(["serviceMode": .string(values: ["ClusterIP", "NodePort"])]) { $1 },
        required: ["serviceMode"]
    )
    static let taskManager = BodySchema.object(
        properties: podProperties.merging(["taskSlots": .int32(minimum: 1)]) { $1 }, required: ["taskSlots"]
    )
    static let supervisor = BodySchema.object(
        properties: [
            "image": image, "pullPolicy": pullPolicy, "pullSecrets": objectName, "serviceAccount": objectName,
            "pollingInterval": .int32(minimum: 1), "taskTimeout": .int32(minimum: 1), "rescaleDelay": .int32(minimum: 0),
            "rescalePolicy": .string(values: ["None", "JobParallelism"]), "replicas": .int32(minimum: 0),
            "resources": .freeForm, "securityContext": .freeForm,
        ],
        required: ["image"]
    )

    /// FlinkClusterSpec.
    public static let clusterSpec = BodySchema.object(
        properties: [
            "taskManagers": .int32(minimum: 0), "minTaskManagers": .int32(minimum: 0), "maxTaskManagers": .int32(minimum: 0),
            "runtime": runtime, "jobManager": jobManager, "taskManager": taskManager, "supervisor": supervisor,
        ],
        required: ["runtime", "jobManager", "taskManager", "supervisor"],
        nullable: ["taskManagers"]
    )

    static let bootstrap = BodySchema.object(
        properties: [
            "image": image, "className": .string(minLength: 1, maxLength: 1024), "jarPath": path, "arguments": strings,
            "serviceAccount": objectName, "pullPolicy": pullPolicy, "pullSecrets": objectName, "resources": .freeForm, "securityContext": .freeForm,
        ],
        required: ["image", "className", "jarPath"]
    )
    static let savepoint = BodySchema.object(
        properties: [
            "savepointMode": .string(values: ["Manual", "Automatic"]), "savepointPath": .string(maxLength: 4096),
            "savepointInterval": .int32(minimum: 0), "savepointTargetPath": path, "onDelete": .boolean,
            "historyMaxCount": .int32(minimum: 1), "maxAge": .int32(minimum: 0),
            "upgradeMode": .string(values: ["savepoint", "last-state", "stateless"]), "allowNonRestoredState": .boolean,
        ],
        required: ["savepointMode", "savepointInterval", "savepointTargetPath"],
        nullable: ["savepointPath", "onDelete", "historyMaxCount", "maxAge", "allowNonRestoredState"]
    )
    static let restart = BodySchema.object(
        properties: [
            "restartPolicy": .string(values: ["Never", "Always", "OnlyIfFailed"]), "restartDelay": .int32(minimum: 0),
            "restartTimeout": .int32(minimum: 0), "upgradeTimeout": .int32(minimum: 0),
        ],
        required: ["restartPolicy"],
        nullable: ["upgradeTimeout"]
    )

    /// FlinkJobSpec.
    public static let jobSpec = BodySchema.object(
        properties: [
            "clusterName": .string(minLength: 1, maxLength: 52, pattern: label), "jobParallelism": .int32(minimum: 0), "minJobParallelism": .int32(minimum: 0),
            "maxJobParallelism": .int32(minimum: 0), "bootstrap": bootstrap, "savepoint": savepoint, "restart": restart,
        ],
        required: ["bootstrap", "savepoint", "restart"]
    )

    /// FlinkDeploymentSpec.
    public static let deploymentSpec = BodySchema.object(
        properties: [
            "cluster": clusterSpec,
            "jobs": .array(.object(properties: ["name": name, "spec": jobSpec], required: ["name", "spec"])),
        ],
        required: ["cluster"]
    )

    /// StartStopRequest.
    public static let startStop = BodySchema.object(properties: ["withoutSavepoint": .boolean])
    /// ClusterScaleRequest.
    public static let clusterScale = BodySchema.object(properties: ["taskManagers": .int32(minimum: 0)], required: ["taskManagers"])
    /// JobScaleRequest.
    public static let jobScale = BodySchema.object(properties: ["parallelism": .int32(minimum: 0)], required: ["parallelism"])
    /// A bootstrap's report to its supervisor (`BootstrapReport`).
    public static let bootstrapReport = BodySchema.object(
        properties: [
            "outcome": .string(values: ["Started", "Failed", "Planned", "PlanFailed"]),
            "vertices": .array(.object(properties: ["id": .string(), "name": .string()], required: ["id", "name"])),
            "bootstrapDigest": .string(), "flinkJobId": .string(pattern: "^[0-9a-f]{32}$"), "jarId": .string(),
            "attempt": .int32(minimum: 1), "message": .string(),
        ],
        required: ["outcome", "attempt"]
    )
}
