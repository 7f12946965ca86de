import HTTPTypes

extension ContractAccess {
    /// The operations of the contract ready for matching: each template split into segments once, grouped by
    /// method, so a request costs one split of its own path and a comparison with its method's templates.
    public struct Table: Sendable {
        struct Template: Sendable {
            let operation: Operation
            /// The template's segments; `nil` for a `{parameter}`.
            let segments: [Substring?]
            /// How many segments are literals (the most specific template wins).
            let literals: Int
        }

        private let byMethod: [String: [Template]]

        /// The table of `operations`.
        public init(_ operations: [Operation]) {
            var byMethod: [String: [Template]] = [:]
            for operation in operations {
                let segments = operation.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
                    segment -> Substring? in segment.hasPrefix("{") && segment.hasSuffix("}") ? nil : segment
                }
                let literals = segments.count { $0 != nil }
                byMethod[operation.method, default: []].append(Template(operation: operation, segments: segments, literals: literals))
            }
            self.byMethod = byMethod
        }

        /// The operation whose template matches `path` for `method`; the template with the most literal segments wins.
        public func operation(method: HTTPRequest.Method, path: String) -> Operation? {
            guard let templates = byMethod[method.rawValue] else { return nil }
            let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            var best: Template?
            for template in templates where template.segments.count == segments.count {
                guard best.map({ template.literals > $0.literals }) ?? true else { continue }
                let matches = zip(template.segments, segments).allSatisfy { pattern, segment in
                    pattern.map { $0 == segment } ?? !segment.isEmpty
                }
                if matches { best = template }
            }
            return best?.operation
        }
    }

    /// The contract's table.
    public static let table = Table(operations)
}
