import NIOSSL

/// Who a client is, as its verified client certificate says: a role, and for a role bound to one cluster, that
/// cluster.
///
/// The certificate carries the identity in a URI subject alternative name (the form SPIFFE uses):
/// `spiffe://flink-k8s-toolbox/<role>`, or `spiffe://flink-k8s-toolbox/ns/<namespace>/cluster/<cluster>/<role>`.
/// `secrets.sh` writes the first form for every role; the second can be issued for a supervisor or bootstrap of
/// one cluster (`SECRETS_CLUSTERS`). The subject (`O=flink-k8s-toolbox, OU=<role>`) is for people reading the
/// certificate; only the URI counts.
public struct PeerIdentity: Sendable, Equatable, CustomStringConvertible {
    /// What a certificate is allowed to be; the contract's `x-toolbox-roles` names these.
    public enum Role: String, Sendable, CaseIterable {
        /// A CLI user who may do everything on the control plane.
        case admin
        /// A CLI user who may only read (GET) the control plane.
        case reader
        /// The operator: the whole control plane and every supervisor API.
        case `operator`
        /// A supervisor.
        case supervisor
        /// A bootstrap Job, which reports to its supervisor.
        case bootstrap
    }

    /// The role the certificate names.
    public var role: Role
    /// The one cluster the identity is bound to; `nil` for an identity valid everywhere its role is admitted.
    public var cluster: ClusterScope?

    /// An identity.
    public init(role: Role, cluster: ClusterScope? = nil) {
        self.role = role
        self.cluster = cluster
    }

    /// The URI prefix every toolbox identity starts with.
    public static let uriPrefix = "spiffe://flink-k8s-toolbox/"

    /// The URI subject alternative name that carries this identity.
    public var uri: String {
        guard let cluster else { return Self.uriPrefix + role.rawValue }
        return Self.uriPrefix + "ns/\(cluster.namespace)/cluster/\(cluster.name)/\(role.rawValue)"
    }

    /// The identity, for logs and refusals.
    public var description: String {
        guard let cluster else { return role.rawValue }
        return "\(role.rawValue) of cluster \(cluster)"
    }

    /// The identity a toolbox URI names; `nil` for any other URI.
    public init?(uri: String) {
        guard uri.hasPrefix(Self.uriPrefix) else { return nil }
        let parts = uri.dropFirst(Self.uriPrefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            guard let role = Role(rawValue: parts[0]) else { return nil }
            self.init(role: role)
        case 5 where parts[0] == "ns" && parts[2] == "cluster" && !parts[1].isEmpty && !parts[3].isEmpty:
            guard let role = Role(rawValue: parts[4]) else { return nil }
            self.init(role: role, cluster: ClusterScope(namespace: parts[1], name: parts[3]))
        default:
            return nil
        }
    }

    /// The identity of a certificate: its single toolbox URI. `nil` when it has none, or more than one (a
    /// certificate is one identity; two would make the answer depend on their order).
    public init?(certificate: NIOSSLCertificate) {
        let identities = certificate._subjectAlternativeNames()
            .filter { $0.nameType == .uri }
            .compactMap { PeerIdentity(uri: String(decoding: $0.contents, as: UTF8.self)) }
        guard identities.count == 1, let identity = identities.first else { return nil }
        self = identity
    }
}

/// One FlinkCluster: the scope of a supervisor, and of the identities bound to it.
public struct ClusterScope: Sendable, Hashable, CustomStringConvertible {
    /// Namespace of the FlinkCluster.
    public var namespace: String
    /// Name of the FlinkCluster.
    public var name: String

    /// A cluster.
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `<namespace>/<name>`.
    public var description: String { "\(namespace)/\(name)" }
}
