import ArgumentParser
import Foundation
import Yams

/// Reads a spec from a JSON or YAML file, or from standard input (`-`): either the spec itself or a whole resource
/// (`kind`, `metadata`, `spec`), whose `spec` is taken. The typed spec is what is sent, as a JSON object (the original
/// sent a JSON string on update).
enum SpecFile {
    /// The one file given with `-f` or with the command's own option `legacy`.
    static func path(_ filename: String?, _ legacyValue: String?, legacy: String) throws -> String {
        switch (filename, legacyValue) {
        case (let path?, nil), (nil, let path?): return path
        case (nil, nil): throw ValidationError("missing -f FILE (or \(legacy) FILE): the spec, - for standard input")
        case (_?, _?): throw ValidationError("give -f or \(legacy), not both")
        }
    }

    /// The spec in `path` (`-`: standard input), decoded as `Spec`; fields the contract does not know are refused.
    static func load<Spec: Codable>(_ type: Spec.Type, from path: String) throws -> Spec {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read spec file \(path)")
            }
            data = contents
        }
        let path = path == "-" ? "(standard input)" : path
        var tree = try parse(data, path: path)
        if case .object(let members) = tree, members["kind"] != nil, let spec = members["spec"] { tree = spec }
        let json = try JSONEncoder().encode(tree)
        let spec: Spec
        do {
            spec = try JSONDecoder().decode(Spec.self, from: json)
        } catch let error as DecodingError {
            throw FlinkctlError.invalidSpec(path: path, reason: describe(error))
        }
        let understood = try JSONDecoder().decode(JSONTree.self, from: JSONEncoder().encode(spec))
        if let unknown = unknownField(tree, understood, at: "") {
            throw FlinkctlError.invalidSpec(path: path, reason: "unknown field \(unknown)")
        }
        return spec
    }

    private static func parse(_ data: Data, path: String) throws -> JSONTree {
        if let tree = try? JSONDecoder().decode(JSONTree.self, from: data) { return tree }
        do {
            guard let node = try Yams.compose(yaml: String(decoding: data, as: UTF8.self)) else {
                throw FlinkctlError.invalidSpec(path: path, reason: "the file is empty")
            }
            return JSONTree(yaml: node)
        } catch let error as YamlError {
            throw FlinkctlError.invalidSpec(path: path, reason: "neither JSON nor YAML: \(error)")
        }
    }

    /// The path of a member of `given` that decoding dropped (null members do not count).
    private static func unknownField(_ given: JSONTree, _ kept: JSONTree, at path: String) -> String? {
        switch (given, kept) {
        case (.object(let members), .object(let keptMembers)):
            for key in members.keys.sorted() where members[key] != .null {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let keptValue = keptMembers[key] else { return child }
                if let unknown = unknownField(members[key]!, keptValue, at: child) { return unknown }
            }
        case (.array(let items), .array(let keptItems)) where items.count == keptItems.count:
            for (index, item) in items.enumerated() {
                if let unknown = unknownField(item, keptItems[index], at: "\(path)[\(index)]") { return unknown }
            }
        default:
            break
        }
        return nil
    }

    private static func describe(_ error: DecodingError) -> String {
        func where_(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "" : " at \(path.hasPrefix(".") ? String(path.dropFirst()) : path)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \(key.stringValue)\(where_(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription.trimmingCharacters(in: CharacterSet(charactersIn: ".")))\(where_(context))"
        @unknown default: return "\(error)"
        }
    }
}
