import Foundation

/// Plain-text tables for `--output table`.
enum Table {
    /// Left-aligned columns separated by three spaces, one line per row, headers first.
    static func render(headers: [String], rows: [[String]]) -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            var line = row.enumerated().map { index, cell in
                cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "   ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// A table of any output: a NAME column for a list of names, one column per field for a list of objects,
    /// FIELD and VALUE rows (nested fields flattened with dots) for an object.
    static func render(_ tree: JSONTree) -> String {
        switch tree {
        case .array(let items) where items.allSatisfy(\.isObject) && !items.isEmpty:
            let keys = Set(items.flatMap { $0.members.filter { !$0.value.isContainer }.map(\.key) })
            let ordered = ["id", "name"].filter(keys.contains) + keys.subtracting(["id", "name"]).sorted()
            return render(headers: ordered.map(header), rows: items.map { item in ordered.map { item[$0]?.text ?? "" } })
        case .array(let items):
            return render(headers: ["NAME"], rows: items.map { [$0.text] })
        case .object:
            return render(headers: ["FIELD", "VALUE"], rows: flatten(tree, prefix: "").map { [$0.0, $0.1] })
        default:
            return tree.text + "\n"
        }
    }

    /// `slotsNumber` → `SLOTS-NUMBER`.
    static func header(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase, !result.isEmpty, result.last != "-" { result.append("-") }
            result.append(character == "_" ? "-" : character)
        }
        return result.uppercased()
    }

    private static func flatten(_ tree: JSONTree, prefix: String) -> [(String, String)] {
        switch tree {
        case .object(let members):
            return members.keys.sorted().flatMap { key in flatten(members[key]!, prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
        case .array(let items) where items.contains(where: \.isContainer):
            return items.enumerated().flatMap { flatten($1, prefix: "\(prefix)[\($0)]") }
        default:
            return [(prefix, tree.text)]
        }
    }
}

extension JSONTree {
    var isObject: Bool { if case .object = self { true } else { false } }
    var isContainer: Bool {
        switch self {
        case .object, .array: true
        default: false
        }
    }
    var members: [String: JSONTree] { if case .object(let members) = self { members } else { [:] } }
}
