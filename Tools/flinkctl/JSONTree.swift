import Foundation
import Yams

/// Any JSON value; the decoded `output` of an envelope, or a spec file.
enum JSONTree: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONTree].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONTree].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member `key` of an object.
    subscript(key: String) -> JSONTree? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// A scalar as table text; containers as compact JSON.
    var text: String {
        switch self {
        case .null: return ""
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return value
        case .array, .object: return (try? String(decoding: JSONEncoder.compact.encode(self), as: UTF8.self)) ?? ""
        }
    }

    /// Pretty JSON with sorted keys.
    func prettyJSON() throws -> String {
        String(decoding: try JSONEncoder.pretty.encode(self), as: UTF8.self)
    }

    /// YAML with sorted keys.
    func yaml() throws -> String {
        try Yams.serialize(node: node, sortKeys: true)
    }

    private var node: Node {
        switch self {
        case .null: return Node("null", Tag(.null))
        case .bool(let value): return Node(value ? "true" : "false", Tag(.bool))
        case .int(let value): return Node(String(value), Tag(.int))
        case .double(let value): return Node(String(value), Tag(.float))
        case .string(let value): return .scalar(value.represented())
        case .array(let values): return Node(values.map(\.node))
        case .object(let members): return Node(members.map { (.scalar($0.key.represented()), $0.value.node) })
        }
    }

    /// Converts a parsed YAML document; plain scalars are resolved as YAML 1.1 does (numbers, booleans, null).
    init(yaml node: Node) {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: self = .null
            case .bool: self = node.bool.map(JSONTree.bool) ?? .string(scalar.string)
            case .int: self = node.int.map { .int(Int64($0)) } ?? .string(scalar.string)
            case .float: self = node.float.map(JSONTree.double) ?? .string(scalar.string)
            default: self = .string(scalar.string)
            }
        case .sequence(let sequence): self = .array(sequence.map(JSONTree.init(yaml:)))
        case .mapping(let mapping):
            self = .object(Dictionary(mapping.map { ($0.key.string ?? "\($0.key)", JSONTree(yaml: $0.value)) }) { _, last in last })
        case .alias: self = .null
        }
    }
}

extension JSONEncoder {
    /// Indented, sorted keys, slashes unescaped.
    static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// One line, sorted keys.
    static var compact: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
