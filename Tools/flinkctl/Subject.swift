/// What an answer is about, so that `-o name` and `-o jsonpath` can show it as Kubernetes objects.
enum Subject: Sendable {
    /// A list of names of `kind` objects; `prefix` turns each into the object's name (a job's `<cluster>-`).
    case names(kind: String, prefix: String = "")
    /// A list of `kind` objects, each named by its member `key`.
    case objects(kind: String, key: String)
    /// One object; the answer (details, metrics), if any, is merged into it.
    case one(kind: String, name: String)
    /// One object whose answer is its status.
    case status(kind: String, name: String)

    /// `<kind>/<name>` of each object, the kind in lower case, as `kubectl -o name` prints.
    func names(in output: JSONTree?) -> [String] {
        switch self {
        case .names(let kind, let prefix):
            return output?.elements.map { "\(kind.lowercased())/\(prefix)\($0.text)" } ?? []
        case .objects(let kind, let key):
            return output?.elements.map { "\(kind.lowercased())/\($0[key]?.text ?? "")" } ?? []
        case .one(let kind, let name), .status(let kind, let name):
            return ["\(kind.lowercased())/\(name)"]
        }
    }

    /// The answer as kubectl shows objects: a list is `{"kind":"List","items":[...]}` whose items have `kind` and
    /// `metadata.name` (and `status`, read with `status` for each name, when given); one object has `kind`,
    /// `metadata.name` and its `status` or the members of the answer.
    func document(of output: JSONTree?, status: ((String) async throws -> JSONTree?)?) async throws -> JSONTree {
        switch self {
        case .names(let kind, let prefix):
            var items: [JSONTree] = []
            for name in output?.elements.map(\.text) ?? [] {
                var item = Self.object(kind: kind, name: prefix + name)
                if let status, let value = try await status(name) { item = item.merging(["status": value]) }
                items.append(item)
            }
            return Self.list(items)
        case .objects(let kind, let key):
            return Self.list(output?.elements.map { $0.merging(Self.object(kind: kind, name: $0[key]?.text ?? "").members) } ?? [])
        case .one(let kind, let name):
            guard let output, output.isObject else { return output ?? Self.object(kind: kind, name: name) }
            return output.merging(Self.object(kind: kind, name: name).members)
        case .status(let kind, let name):
            return Self.object(kind: kind, name: name).merging(output.map { ["status": $0] } ?? [:])
        }
    }

    private static func object(kind: String, name: String) -> JSONTree {
        .object(["kind": .string(kind), "metadata": .object(["name": .string(name)])])
    }

    private static func list(_ items: [JSONTree]) -> JSONTree {
        .object(["apiVersion": .string("v1"), "kind": .string("List"), "items": .array(items)])
    }
}

extension JSONTree {
    /// The elements of an array; a single value otherwise.
    var elements: [JSONTree] { if case .array(let items) = self { items } else { [self] } }

    /// An object with `added`'s members where it has none of that key.
    func merging(_ added: [String: JSONTree]) -> JSONTree {
        .object(members.merging(added) { own, _ in own })
    }
}
