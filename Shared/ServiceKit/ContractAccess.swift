import HTTPTypes

/// Who may call what: the `x-toolbox-roles` of every operation of `openapi/toolbox.yaml` (the table is generated
/// from it, `ContractAccess+Table.swift`), and the decision for one request.
public enum ContractAccess {
    /// One operation and the roles it admits.
    public struct Operation: Sendable, Equatable {
        /// HTTP method, upper case.
        public var method: String
        /// Path template, e.g. `/api/v1/clusters/{clusterName}/status`.
        public var path: String
        /// The contract's operationId.
        public var operationId: String
        /// The roles admitted.
        public var roles: Set<PeerIdentity.Role>

        /// An entry of the table.
        public init(_ method: String, _ path: String, _ operationId: String, _ roles: Set<PeerIdentity.Role>) {
            self.method = method
            self.path = path
            self.operationId = operationId
            self.roles = roles
        }
    }

    /// What to do with a request.
    public enum Decision: Sendable, Equatable {
        /// Serve it.
        case allow
        /// Refuse it with 403 and this message.
        case forbid(String)
        /// The contract has no such operation: let routing answer (404 or 405).
        case unlisted
    }

    /// The decision for `method` on `path` from a client with `identity` (`nil`: its certificate names no toolbox
    /// role), on a server scoped to `scope` (a supervisor's cluster; `nil` for the operator and other servers).
    public static func decide(
        method: HTTPRequest.Method, path: String, identity: PeerIdentity?, scope: ClusterScope?, table: Table = ContractAccess.table
    ) -> Decision {
        guard let operation = table.operation(method: method, path: path) else { return .unlisted }
        guard let identity else {
            return .forbid(
                "the client certificate names no toolbox role (a \(PeerIdentity.uriPrefix)<role> URI); \(operation.operationId) needs one of \(names(operation.roles))"
            )
        }
        guard operation.roles.contains(identity.role) else {
            return .forbid("\(identity) may not call \(operation.operationId) (\(method) \(path)); it needs one of \(names(operation.roles))")
        }
        if let bound = identity.cluster, bound != scope {
            return .forbid("\(identity) may not call \(operation.operationId) on \(scope.map { "cluster \($0)" } ?? "this server")")
        }
        return .allow
    }

    private static func names(_ roles: Set<PeerIdentity.Role>) -> String {
        PeerIdentity.Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ", ")
    }
}
