import Foundation

extension TLSFiles {
    /// File names of a mounted Secret in the toolbox's PEM form: certificate, key, CA.
    public static let pemFileNames = (certificate: "tls.crt", privateKey: "tls.key", certificateAuthority: "ca.crt")
    /// File names of a mounted Secret in the original's form: the stores and the files holding their passwords.
    public static let keystoreFileNames = (
        keystore: "keystore.jks", truststore: "truststore.jks", keystoreSecret: "keystore-secret", truststoreSecret: "truststore-secret"
    )

    /// The TLS material of a mounted Secret directory: PEM (`tls.crt`, `tls.key`, `ca.crt`) when `tls.crt` is there,
    /// otherwise the original's PKCS#12 stores (`keystore.jks`, `truststore.jks`, their passwords in `keystore-secret`
    /// and `truststore-secret`; a missing password file means an empty password).
    /// - Throws: `ServiceKitError.unreadableTLSMaterial` when the directory holds neither form.
    public static func directory(_ path: String, fileManager: FileManager = .default) throws -> TLSFiles {
        func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
        let pem = pemFileNames
        if fileManager.fileExists(atPath: file(pem.certificate)) {
            return TLSFiles(certificate: file(pem.certificate), privateKey: file(pem.privateKey), certificateAuthority: file(pem.certificateAuthority))
        }
        let stores = keystoreFileNames
        guard fileManager.fileExists(atPath: file(stores.keystore)) else {
            throw ServiceKitError.unreadableTLSMaterial(
                path: path,
                reason:
                    "holds neither \(pem.certificate), \(pem.privateKey), \(pem.certificateAuthority) (PEM) nor \(stores.keystore), \(stores.truststore) (PKCS#12)"
            )
        }
        func password(_ name: String) -> String {
            let text = fileManager.contents(atPath: file(name)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
            return String(text.reversed().drop { $0 == "\n" || $0 == "\r" }.reversed())
        }
        return TLSFiles(
            keystore: file(stores.keystore), keystorePassword: password(stores.keystoreSecret),
            truststore: file(stores.truststore), truststorePassword: password(stores.truststoreSecret)
        )
    }

    /// The material chosen by one of three option families, or `nil` when none is given: a Secret directory; PEM
    /// certificate, key and CA (all three); the original's keystore and truststore paths (both; the passwords may be
    /// empty).
    /// - Throws: `ServiceKitError.incompleteTLS` when a family is incomplete or more than one is given.
    public static func select(directory: String?, pem: PEMOptions, keystore: KeystoreOptions) throws -> TLSFiles? {
        let given = [directory != nil, pem.isGiven, keystore.isGiven].filter { $0 }.count
        guard given <= 1 else {
            throw ServiceKitError.incompleteTLS(
                "give one of \(pem.names), \(keystore.names) or \(directory == nil ? "a TLS directory" : "--tls-dir"), not several")
        }
        if let directory { return try TLSFiles.directory(directory) }
        if pem.isGiven {
            guard let certificate = pem.certificate, let key = pem.privateKey, let authority = pem.certificateAuthority else {
                throw ServiceKitError.incompleteTLS(
                    "\(pem.names) must be given together (got cert: \(pem.certificate != nil), key: \(pem.privateKey != nil), ca: \(pem.certificateAuthority != nil))"
                )
            }
            return TLSFiles(certificate: certificate, privateKey: key, certificateAuthority: authority)
        }
        if keystore.isGiven {
            guard let path = keystore.keystorePath, let trustPath = keystore.truststorePath else {
                throw ServiceKitError.incompleteTLS("--keystore-path and --truststore-path must be given together")
            }
            return TLSFiles(
                keystore: path, keystorePassword: keystore.keystoreSecret ?? "",
                truststore: trustPath, truststorePassword: keystore.truststoreSecret ?? ""
            )
        }
        return nil
    }

    /// PEM option values (any may be missing), with the names the command line uses for them.
    public struct PEMOptions: Sendable {
        /// Certificate, key, CA file paths.
        public var certificate, privateKey, certificateAuthority: String?
        /// The option names, for messages.
        public var names: String

        /// Option values and their names.
        public init(certificate: String?, privateKey: String?, certificateAuthority: String?, names: String) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.certificateAuthority = certificateAuthority
            self.names = names
        }

        var isGiven: Bool { certificate != nil || privateKey != nil || certificateAuthority != nil }
    }

    /// The original's keystore option values (`--keystore-path`, `--keystore-secret`, `--truststore-path`,
    /// `--truststore-secret`); any may be missing.
    public struct KeystoreOptions: Sendable {
        /// Store paths and passwords.
        public var keystorePath, keystoreSecret, truststorePath, truststoreSecret: String?
        let names = "--keystore-path/--truststore-path"

        /// Option values.
        public init(keystorePath: String?, keystoreSecret: String?, truststorePath: String?, truststoreSecret: String?) {
            self.keystorePath = keystorePath
            self.keystoreSecret = keystoreSecret
            self.truststorePath = truststorePath
            self.truststoreSecret = truststoreSecret
        }

        var isGiven: Bool { keystorePath != nil || truststorePath != nil }
    }
}
