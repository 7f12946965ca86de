import NIOSSL

/// Paths of the PEM files that give a process its identity and the CA it trusts for mutual TLS.
public struct TLSFiles: Sendable, Equatable {
    /// PEM certificate (chain) of this process.
    public var certificate: String
    /// PEM private key of this process.
    public var privateKey: String
    /// PEM certificate of the CA that signs every peer.
    public var certificateAuthority: String

    /// Creates a set of TLS file paths.
    public init(certificate: String, privateKey: String, certificateAuthority: String) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificateAuthority = certificateAuthority
    }

    /// Server side of mutual TLS: TLS 1.2 or later, and a client certificate signed by the CA is required.
    public func serverConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try chain().map { .certificate($0) },
            privateKey: .privateKey(try key())
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .certificates(try authority())
        // Clients are identified by their chain to the CA; their host names are not known in advance.
        configuration.certificateVerification = .noHostnameVerification
        return configuration
    }

    /// Client side of mutual TLS: presents this process's certificate and verifies the server against the CA; with
    /// `verifyHostname: false` the chain to the toolbox CA is the trust anchor (supervisors are reached by pod IP or
    /// by their `supervisor-<cluster>` Service name, which the certificates made by `secrets.sh` do not name).
    public func clientConfiguration(verifyHostname: Bool = true) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateChain = try chain().map { .certificate($0) }
        configuration.privateKey = .privateKey(try key())
        configuration.trustRoots = .certificates(try authority())
        configuration.certificateVerification = verifyHostname ? .fullVerification : .noHostnameVerification
        return configuration
    }

    private func chain() throws -> [NIOSSLCertificate] {
        try load(certificate) { try NIOSSLCertificate.fromPEMFile($0) }
    }

    private func authority() throws -> [NIOSSLCertificate] {
        try load(certificateAuthority) { try NIOSSLCertificate.fromPEMFile($0) }
    }

    private func key() throws -> NIOSSLPrivateKey {
        try load(privateKey) { try NIOSSLPrivateKey(file: $0, format: .pem) }
    }

    private func load<T>(_ path: String, _ read: (String) throws -> T) throws -> T {
        let value: T
        do {
            value = try read(path)
        } catch {
            throw ServiceKitError.unreadableTLSMaterial(path: path, reason: "\(error)")
        }
        if let list = value as? [NIOSSLCertificate], list.isEmpty {
            throw ServiceKitError.unreadableTLSMaterial(path: path, reason: "no PEM certificate found")
        }
        return value
    }
}
