import Foundation

/// Which namespaces the operator manages: a list (by default only its own), or all of them.
public enum WatchedNamespaces: Hashable, Sendable {
    /// Every namespace, through one cluster-wide reflector per kind.
    case all
    /// These namespaces, one reflector per kind and namespace; never empty.
    case only([String])

    /// The namespaces the reflectors list and watch: `nil` means every namespace.
    public var reflectorNamespaces: [String?] {
        switch self {
        case .all: return [nil]
        case .only(let names): return names
        }
    }

    /// Whether the operator manages `namespace`.
    public func includes(_ namespace: String) -> Bool {
        switch self {
        case .all: return true
        case .only(let names): return names.contains(namespace)
        }
    }

    /// The namespaces of `--namespaces a,b` (repeatable, comma-separated, blanks ignored, duplicates dropped in
    /// order), or of `--all-namespaces`; only `own` when neither is given.
    public static func parse(own: String, list: [String], all: Bool) throws(WatchedNamespacesError) -> WatchedNamespaces {
        let names = list.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if all {
            guard names.isEmpty else { throw .conflicting }
            return .all
        }
        if let invalid = names.first(where: { !ResourceNames.isValidName($0) }) { throw .invalid(invalid) }
        var unique: [String] = []
        for name in names where !unique.contains(name) { unique.append(name) }
        return .only(unique.isEmpty ? [own] : unique)
    }
}

/// Why `--namespaces` / `--all-namespaces` were refused.
public enum WatchedNamespacesError: Error, Equatable, CustomStringConvertible {
    /// Both `--namespaces` and `--all-namespaces` were given.
    case conflicting
    /// A listed namespace is not a DNS-1123 label.
    case invalid(String)

    public var description: String {
        switch self {
        case .conflicting: return "--namespaces and --all-namespaces exclude each other"
        case .invalid(let name): return "invalid namespace '\(name)' in --namespaces: use lower-case letters, digits and '-', at most 63"
        }
    }
}
