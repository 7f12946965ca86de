/// A kubectl-style JSONPath template (`-o jsonpath=...`): literal text, `{.path}` expressions, `{"\n"}` quoted text and
/// `{range .path}...{end}` loops. Paths are `$`/`@`, `.name` (`\.` for a dot inside a name), `.*`, `['name']`, `[n]`
/// (negative counts from the end) and `[*]`. Missing members print nothing, as in `kubectl get -o jsonpath`.
struct JSONPath: Equatable, Sendable {
    /// One step of a path.
    enum Step: Equatable, Sendable {
        /// The member of an object.
        case member(String)
        /// The element of an array at an index; negative counts from the end.
        case index(Int)
        /// Every element of an array, or every member value of an object.
        case all
    }

    /// A piece of a template.
    indirect enum Piece: Equatable, Sendable {
        /// Printed as it is.
        case text(String)
        /// The values at a path, separated by spaces.
        case path([Step])
        /// The body once for each value at a path, with that value as the current one.
        case range([Step], [Piece])
    }

    /// The parsed template.
    let pieces: [Piece]

    /// Parses `template`; throws `JSONPath.Error` with the position of the first mistake.
    init(_ template: String) throws {
        var parser = JSONPathParser(template)
        pieces = try parser.template()
    }

    /// The template applied to `root`.
    func render(_ root: JSONTree) -> String {
        Self.render(pieces, current: root)
    }

    private static func render(_ pieces: [Piece], current: JSONTree) -> String {
        var output = ""
        for piece in pieces {
            switch piece {
            case .text(let text):
                output += text
            case .path(let steps):
                output += select(steps, from: current).map(\.jsonPathText).joined(separator: " ")
            case .range(let steps, let body):
                for value in select(steps, from: current) { output += render(body, current: value) }
            }
        }
        return output
    }

    /// The values at `steps` from `value`; missing members and indexes select nothing.
    static func select(_ steps: [Step], from value: JSONTree) -> [JSONTree] {
        steps.reduce([value]) { values, step in values.flatMap { apply(step, to: $0) } }
    }

    private static func apply(_ step: Step, to value: JSONTree) -> [JSONTree] {
        switch (step, value) {
        case (.member(let name), .object(let members)):
            return members[name].map { [$0] } ?? []
        case (.index(let index), .array(let items)):
            let position = index < 0 ? items.count + index : index
            return items.indices.contains(position) ? [items[position]] : []
        case (.all, .array(let items)):
            return items
        case (.all, .object(let members)):
            return members.keys.sorted().map { members[$0]! }
        default:
            return []
        }
    }

    /// A template mistake.
    struct Error: Swift.Error, CustomStringConvertible, Equatable {
        /// What is wrong.
        let message: String
        /// Character offset in the template.
        let position: Int

        var description: String { "\(message) at character \(position + 1)" }
    }
}

extension JSONTree {
    /// How JSONPath prints a value: strings as they are, containers as compact JSON, null as `null`.
    var jsonPathText: String {
        if case .null = self { return "null" }
        return text
    }
}
