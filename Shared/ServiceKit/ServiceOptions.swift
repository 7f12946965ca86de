import ArgumentParser
import Foundation
import Logging

/// Command-line options every toolbox process shares: where it listens and which TLS material it uses.
///
/// Each TLS option falls back to an environment variable (`FLINK_TOOLBOX_TLS_CERT`, `FLINK_TOOLBOX_TLS_KEY`,
/// `FLINK_TOOLBOX_TLS_CA`) so a Kubernetes Secret can be mounted without templating arguments.
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
        _ = try tlsFiles()
    }

    /// The TLS material, from the options or their environment variables; `nil` when none is configured.
    /// - Throws: `ServiceKitError.incompleteTLS` when only some of certificate, key and CA are given.
    public func tlsFiles(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TLSFiles? {
        let cert = tlsCert ?? environment["FLINK_TOOLBOX_TLS_CERT"]
        let key = tlsKey ?? environment["FLINK_TOOLBOX_TLS_KEY"]
        let ca = tlsCa ?? environment["FLINK_TOOLBOX_TLS_CA"]
        switch (cert, key, ca) {
        case (nil, nil, nil):
            return nil
        case let (cert?, key?, ca?):
            return TLSFiles(certificate: cert, privateKey: key, certificateAuthority: ca)
        default:
            throw ServiceKitError.incompleteTLS(
                "--tls-cert, --tls-key and --tls-ca must be given together (got cert: \(cert != nil), key: \(key != nil), ca: \(ca != nil))"
            )
        }
    }
}
