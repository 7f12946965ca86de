import ArgumentParser
import Foundation
import Logging

/// Command-line options every toolbox process shares: where it listens and which TLS material it uses.
///
/// TLS comes from one of three option families: `--tls-dir` (a mounted Secret in PEM or the original's keystore
/// form), `--tls-cert/--tls-key/--tls-ca` (PEM), or the original's `--keystore-path/--keystore-secret/
/// --truststore-path/--truststore-secret` (PKCS#12). Each falls back to an environment variable
/// (`FLINK_TOOLBOX_TLS_DIR`, `FLINK_TOOLBOX_TLS_CERT`, `FLINK_TOOLBOX_TLS_KEY`, `FLINK_TOOLBOX_TLS_CA`,
/// `FLINK_TOOLBOX_KEYSTORE_SECRET`, `FLINK_TOOLBOX_TRUSTSTORE_SECRET`) so a Secret can be mounted without templating
/// arguments (and passwords stay out of the process list).
public struct ServiceOptions: ParsableArguments, Sendable {
    /// Address the HTTPS API listens on.
    @Option(name: .long, help: "Address the HTTPS API listens on.")
    public var bindAddress: String = "0.0.0.0"

    /// Port of the HTTPS API; the component's default when absent (operator 4444, supervisor 4445, bootstrap 4446).
    @Option(name: .long, help: "Port of the HTTPS API (operator 4444, supervisor 4445, bootstrap 4446).")
    public var port: Int?

    /// Address of the plain-HTTP monitoring listener (`/metrics`, `/version`); the API address when absent.
    @Option(name: .long, help: "Address of the monitoring listener (defaults to --bind-address).")
    public var monitoringAddress: String?

    /// Port of the plain-HTTP monitoring listener.
    @Option(name: .long, help: "Port of the monitoring listener serving /metrics and /version.")
    public var monitoringPort: Int = 8080

    /// PEM certificate chain of this process.
    @Option(name: .long, help: "PEM certificate of this process (env FLINK_TOOLBOX_TLS_CERT).")
    public var tlsCert: String?

    /// PEM private key of this process.
    @Option(name: .long, help: "PEM private key of this process (env FLINK_TOOLBOX_TLS_KEY).")
    public var tlsKey: String?

    /// PEM CA certificate that signs every peer's certificate.
    @Option(name: .long, help: "PEM CA certificate trusted for peers (env FLINK_TOOLBOX_TLS_CA).")
    public var tlsCa: String?

    /// A mounted Secret directory: `tls.crt`, `tls.key`, `ca.crt` (PEM) or `keystore.jks`, `truststore.jks`,
    /// `keystore-secret`, `truststore-secret` (the original's form).
    @Option(
        name: .long,
        help:
            "Directory of a mounted TLS Secret, PEM (tls.crt, tls.key, ca.crt) or the original's (keystore.jks, truststore.jks, keystore-secret, truststore-secret) (env FLINK_TOOLBOX_TLS_DIR)."
    )
    public var tlsDir: String?

    /// The original's PKCS#12 key store (private key and certificate chain).
    @Option(name: .long, help: "PKCS#12 keystore of this process, as the original's secrets.sh makes (keystore-*.jks).")
    public var keystorePath: String?

    /// Password of `--keystore-path`.
    @Option(name: .long, help: "Password of --keystore-path (env FLINK_TOOLBOX_KEYSTORE_SECRET).")
    public var keystoreSecret: String?

    /// The original's PKCS#12 trust store (the CA certificates).
    @Option(name: .long, help: "PKCS#12 truststore with the CA certificate (truststore-*.jks).")
    public var truststorePath: String?

    /// Password of `--truststore-path`.
    @Option(name: .long, help: "Password of --truststore-path (env FLINK_TOOLBOX_TRUSTSTORE_SECRET).")
    public var truststoreSecret: String?

    /// Seconds between reads of the TLS files: renewed material (a Secret updated in place) is used by new connections
    /// without a restart; 0 reads them only at start.
    @Option(name: .long, help: "Seconds between checks of the TLS files for renewed material (0: only at start).")
    public var tlsReloadInterval: Int = 10

    /// Log level: trace, debug, info, notice, warning, error or critical.
    @Option(name: .long, help: "Log level (trace, debug, info, notice, warning, error, critical).")
    public var logLevel: String = "info"

    /// Creates options with their defaults (used by tests and by ArgumentParser).
    public init() {}

    /// Checks the option values before anything starts.
    public func validate() throws {
        for (name, port) in [("--port", port ?? 1), ("--monitoring-port", monitoringPort)] where !(0...65535).contains(port) {
            throw ValidationError("\(name) must be between 0 and 65535, got \(port)")
        }
        if Logger.Level(rawValue: logLevel.lowercased()) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if tlsReloadInterval < 0 { throw ValidationError("--tls-reload-interval must be 0 or more seconds, got \(tlsReloadInterval)") }
        _ = try tlsFiles()
    }

    /// The TLS material, from the options or their environment variables; `nil` when none is configured.
    /// - Throws: `ServiceKitError.incompleteTLS` when an option family is incomplete or several are given;
    ///   `ServiceKitError.unreadableTLSMaterial` when a `--tls-dir` holds neither form.
    public func tlsFiles(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TLSFiles? {
        let pem = TLSFiles.PEMOptions(
            certificate: tlsCert ?? environment["FLINK_TOOLBOX_TLS_CERT"], privateKey: tlsKey ?? environment["FLINK_TOOLBOX_TLS_KEY"],
            certificateAuthority: tlsCa ?? environment["FLINK_TOOLBOX_TLS_CA"], names: "--tls-cert, --tls-key and --tls-ca"
        )
        let keystore = TLSFiles.KeystoreOptions(
            keystorePath: keystorePath, keystoreSecret: keystoreSecret ?? environment["FLINK_TOOLBOX_KEYSTORE_SECRET"],
            truststorePath: truststorePath, truststoreSecret: truststoreSecret ?? environment["FLINK_TOOLBOX_TRUSTSTORE_SECRET"]
        )
        return try TLSFiles.select(directory: tlsDir ?? environment["FLINK_TOOLBOX_TLS_DIR"], pem: pem, keystore: keystore)
    }
}
