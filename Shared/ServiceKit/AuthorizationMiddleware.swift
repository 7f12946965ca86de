import Hummingbird
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// The request context of the API listener: Hummingbird's core context and the connection's channel, from which
/// the verified client certificate is read.
public struct ToolboxRequestContext: RequestContext {
    /// Hummingbird's per-request state.
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel

    /// The context of a request arriving on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Enforces the contract's `x-toolbox-roles`: the identity in the verified client certificate must be one the
/// operation admits (and, when bound to a cluster, bound to this server's cluster); otherwise 403 with the JSON
/// `ErrorEnvelope`. Only installed when the listener requires mutual TLS.
public struct AuthorizationMiddleware: RouterMiddleware {
    /// The cluster this server serves (a supervisor's); `nil` for the operator and the bootstrap.
    public let scope: ClusterScope?
    /// The operations and their roles, ready for matching.
    public let table: ContractAccess.Table
    private let identities = ConnectionIdentities()

    /// The middleware for a server of `scope`.
    public init(scope: ClusterScope?, operations: [ContractAccess.Operation] = ContractAccess.operations) {
        self.scope = scope
        self.table = operations == ContractAccess.operations ? ContractAccess.table : ContractAccess.Table(operations)
    }

    /// Serves the request when the caller's identity is admitted; refuses it with 403 otherwise.
    public func handle(
        _ request: Request, context: ToolboxRequestContext, next: (Request, ToolboxRequestContext) async throws -> Response
    ) async throws -> Response {
        let identity = await identities.identity(of: context.channel)
        switch ContractAccess.decide(method: request.method, path: request.uri.path, identity: identity, scope: scope, table: table) {
        case .allow, .unlisted:
            return try await next(request, context)
        case .forbid(let message):
            context.logger.notice("request refused", metadata: ["identity": "\(identity.map(\.description) ?? "none")", "path": "\(request.uri.path)"])
            return ErrorResponses.response(status: .forbidden, reason: ErrorResponses.reason(for: .forbidden), message: message)
        }
    }
}

/// The identity of each open connection, read from its verified certificate at its first request and kept until it
/// closes: a TLS connection's peer cannot change (NIOSSL refuses renegotiation), and reading the certificate costs a
/// hop to the connection's event loop and a parse of its subject alternative names.
final class ConnectionIdentities: Sendable {
    private let known = Mutex<[ObjectIdentifier: PeerIdentity?]>([:])

    /// The identity of the client on `channel` (`nil`: no certificate, or one naming no toolbox role).
    func identity(of channel: any Channel) async -> PeerIdentity? {
        let key = ObjectIdentifier(channel)
        if let identity = known.withLock({ $0[key] }) { return identity }
        let certificate = try? await channel.nioSSL_peerCertificate().get()
        let identity = certificate.flatMap { PeerIdentity(certificate: $0) }
        let added = known.withLock { known in
            guard known[key] == nil else { return false }
            known[key] = .some(identity)
            return true
        }
        if added {
            // Before the channel can be freed (and its identifier reused), its entry goes.
            channel.closeFuture.whenComplete { [weak self] _ in _ = self?.known.withLock { $0.removeValue(forKey: key) } }
        }
        return identity
    }
}
