import Foundation

/// PEM files written by `secrets.sh` for one CA.
public struct CertificateSet: Sendable {
    /// Folder holding the files.
    public let directory: URL
    /// CA certificate.
    public var ca: String { path("ca_cert.pem") }
    /// Certificate of the services.
    public var serverCertificate: String { path("operator-api_cert.pem") }
    /// Key of the services.
    public var serverKey: String { path("operator-api_key.pem") }
    /// Certificate of clients.
    public var clientCertificate: String { path("operator-cli_cert.pem") }
    /// Key of clients.
    public var clientKey: String { path("operator-cli_key.pem") }

    /// The original's PKCS#12 key store of the services (password `keystorePassword`).
    public var serverKeystore: String { path("keystore-operator-api.jks") }
    /// The original's PKCS#12 trust store of the services (password `truststorePassword`).
    public var serverTruststore: String { path("truststore-operator-api.jks") }
    /// The original's PKCS#12 key store of clients.
    public var clientKeystore: String { path("keystore-operator-cli.jks") }
    /// The original's PKCS#12 trust store of clients.
    public var clientTruststore: String { path("truststore-operator-cli.jks") }
    /// Password of the key stores (the manual's `secrets.sh` argument).
    public let keystorePassword = "keystore-password"
    /// Password of the trust stores.
    public let truststorePassword = "truststore-password"

    /// Certificate `<name>_cert.pem`: `operator-api` (role operator), `operator-cli` (admin), `reader`, `supervisor`,
    /// `bootstrap`, and the cluster-bound `supervisor-flink-jobs-demo`, `bootstrap-flink-jobs-demo`,
    /// `bootstrap-flink-jobs-other`, and `legacy` (signed by the CA, no role).
    public func certificate(_ name: String) -> String { path("\(name)_cert.pem") }
    /// Key `<name>_key.pem` of `certificate(name)`.
    public func key(_ name: String) -> String { path("\(name)_key.pem") }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

/// Certificates made once per test run with the repository's own `secrets.sh`.
public enum TestCertificates {
    /// The CA the servers under test trust.
    public static let trusted = make("trusted")
    /// Another CA, whose certificates must be refused.
    public static let foreign = make("foreign")

    private static func make(_ name: String) -> CertificateSet {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("toolbox-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        let result = runTool(
            ["bash", "secrets.sh", "flink-operator", "key-password", "keystore-password", "truststore-password"],
            environment: ["SECRETS_DIR": directory.path, "SECRETS_CLUSTERS": "flink-jobs/demo flink-jobs/other"]
        )
        precondition(result.status == 0, "secrets.sh failed: \(result.output)")
        // `legacy`: signed by the same CA but naming no role, as secrets.sh made certificates before identities.
        let legacy = runTool(
            [
                "bash", "-c",
                "openssl req -new -newkey rsa:2048 -nodes -subj /CN=legacy -keyout legacy_key.pem -out legacy.csr 2>/dev/null && "
                    + "openssl x509 -req -days 30 -in legacy.csr -CA ca_cert.pem -CAkey ca_key.pem -CAcreateserial -out legacy_cert.pem 2>/dev/null",
            ],
            directory: directory
        )
        precondition(legacy.status == 0, "openssl failed: \(legacy.output)")
        return CertificateSet(directory: directory)
    }
}
