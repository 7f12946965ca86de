import NIOSSL

/// The files that give a process its identity and the CA it trusts for mutual TLS: PEM files, or the original
/// toolbox's PKCS#12 key store and trust store with their passwords.
public struct TLSFiles: Sendable, Equatable {
    /// Where the identity and the trusted CA come from.
    public enum Source: Sendable, Equatable {
        /// PEM certificate (chain), PEM private key, PEM certificate of the CA that signs every peer.
        case pem(certificate: String, privateKey: String, certificateAuthority: String)
        /// PKCS#12 key store (private key and certificate chain) and trust store (the CA certificates), as the
        /// original's `secrets.sh` and `--keystore-path/--truststore-path` options use them.
        case pkcs12(keystore: String, keystorePassword: String, truststore: String, truststorePassword: String)
    }

    /// Where the material comes from.
    public var source: Source

    /// PEM files.
    public init(certificate: String, privateKey: String, certificateAuthority: String) {
        source = .pem(certificate: certificate, privateKey: privateKey, certificateAuthority: certificateAuthority)
    }

    /// A PKCS#12 key store and trust store.
    public init(keystore: String, keystorePassword: String, truststore: String, truststorePassword: String) {
        source = .pkcs12(keystore: keystore, keystorePassword: keystorePassword, truststore: truststore, truststorePassword: truststorePassword)
    }

    /// The files, for logs (never the passwords).
    public var summary: String {
        switch source {
        case .pem(let certificate, _, let authority): "certificate \(certificate), CA \(authority)"
        case .pkcs12(let keystore, _, let truststore, _): "keystore \(keystore), truststore \(truststore)"
        }
    }

    /// Server side of mutual TLS: TLS 1.2 or later, and a client certificate signed by the CA is required.
    public func serverConfiguration() throws -> TLSConfiguration {
        let identity = try load()
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: identity.chain.map { .certificate($0) },
            privateKey: .privateKey(identity.key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .certificates(identity.authorities)
        // Clients are identified by their chain to the CA; their host names are not known in advance.
        configuration.certificateVerification = .noHostnameVerification
        return configuration
    }

    /// Client side of mutual TLS: presents this process's certificate and verifies the server against the CA; with
    /// `verifyHostname: false` the chain to the toolbox CA is the trust anchor (supervisors are reached by pod IP or
    /// by their `supervisor-<cluster>` Service name, which the certificates made by `secrets.sh` do not name).
    public func clientConfiguration(verifyHostname: Bool = true) throws -> TLSConfiguration {
        let identity = try load()
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateChain = identity.chain.map { .certificate($0) }
        configuration.privateKey = .privateKey(identity.key)
        configuration.trustRoots = .certificates(identity.authorities)
        configuration.certificateVerification = verifyHostname ? .fullVerification : .noHostnameVerification
        return configuration
    }

    private struct Identity {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
        var authorities: [NIOSSLCertificate]
    }

    private func load() throws -> Identity {
        switch source {
        case .pem(let certificate, let privateKey, let authority):
            return Identity(
                chain: try Self.read(certificate) { try NIOSSLCertificate.fromPEMFile($0) },
                key: try Self.read(privateKey) { try NIOSSLPrivateKey(file: $0, format: .pem) },
                authorities: try Self.read(authority) { try NIOSSLCertificate.fromPEMFile($0) }
            )
        case .pkcs12(let keystore, let keystorePassword, let truststore, let truststorePassword):
            let keys = try PKCS12Store.read(path: keystore, password: keystorePassword)
            guard let key = keys.privateKey else {
                throw ServiceKitError.unreadableTLSMaterial(path: keystore, reason: "the keystore holds no private key (is it the truststore?)")
            }
            let trust = try PKCS12Store.read(path: truststore, password: truststorePassword)
            return Identity(chain: keys.certificates, key: key, authorities: trust.certificates)
        }
    }

    private static func read<T>(_ path: String, _ read: (String) throws -> T) throws -> T {
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
