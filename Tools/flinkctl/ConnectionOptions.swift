import ArgumentParser
import Foundation
import ToolboxCore

/// Where the operator's control plane listens and how to prove who we are: mutual TLS with PEM files or with the
/// original's PKCS#12 keystore and truststore, or plain HTTP. Options left out come from the `FLINKCTL_*` variables,
/// then from the context of the config file.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Config file with contexts (default $FLINKCTL_CONFIG or ~/.config/flinkctl/config.yaml).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Context of the config file to use (default its current-context).", valueName: "name"))
    var context: String?

    @Option(
        name: [.customShort("n"), .long],
        help: ArgumentHelp("Namespace of the objects, one the operator manages (default the context's, or the operator's own).", valueName: "name"))
    var namespace: String?

    @Option(help: "Host of the operator's control plane (default the context's, or localhost).")
    var host: String?

    @Option(help: "Port of the operator's control plane (default the context's, or 4444).")
    var port: Int?

    @Option(help: ArgumentHelp("PEM certificate presented to the operator (default $FLINKCTL_CERT).", valueName: "file"))
    var cert: String?

    @Option(help: ArgumentHelp("PEM private key of --cert (default $FLINKCTL_KEY).", valueName: "file"))
    var key: String?

    @Option(help: ArgumentHelp("PEM certificate of the CA that signed the operator's certificate (default $FLINKCTL_CA_CERT).", valueName: "file"))
    var caCert: String?

    @Option(help: ArgumentHelp("PKCS#12 keystore with the client's key and certificate, instead of --cert/--key (the original's option).", valueName: "file"))
    var keystorePath: String?

    @Option(help: ArgumentHelp("Password of --keystore-path.", valueName: "password"))
    var keystoreSecret: String?

    @Option(help: ArgumentHelp("PKCS#12 truststore with the CA certificate, instead of --ca-cert (the original's option).", valueName: "file"))
    var truststorePath: String?

    @Option(help: ArgumentHelp("Password of --truststore-path.", valueName: "password"))
    var truststoreSecret: String?

    @Flag(inversion: .prefixedNo, help: "Use plain HTTP, for an operator started without TLS (default the context's, or TLS).")
    var insecureHttp: Bool?

    @Option(help: ArgumentHelp("Seconds to wait for each answer.", valueName: "seconds"))
    var requestTimeout: Int64 = 60

    func validate() throws {
        let settings = try settings()
        guard (1...65535).contains(settings.port) else { throw ValidationError("--port must be between 1 and 65535, got \(settings.port)") }
        if let namespace = settings.namespace, !ResourceNames.isValidName(namespace) {
            throw ValidationError("invalid namespace '\(namespace)': use lower-case letters, digits and '-', at most 63")
        }
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
        guard !settings.insecureHttp else { return }
        _ = try settings.tlsFiles()
    }

    /// The options given, completed from the environment and the selected context of the config file. TLS options on
    /// the command line replace the context's TLS material of the other kind (PEM files or PKCS#12 stores).
    func settings() throws -> ConnectionSettings {
        let path = ClientConfig.path(config)
        let context = try ClientConfig.load(from: path).selected(context, path: path) ?? ClientConfig.Context()
        let givenPEM = cert != nil || key != nil || caCert != nil
        let givenStores = keystorePath != nil || truststorePath != nil
        let pem = givenStores ? ClientConfig.Context() : context
        let stores = givenPEM ? ClientConfig.Context() : context
        return ConnectionSettings(
            namespace: namespace ?? context.namespace, host: host ?? context.host ?? "localhost", port: port ?? context.port ?? 4444,
            cert: cert, key: key, caCert: caCert,
            contextPEM: (pem.cert, pem.key, pem.caCert),
            keystorePath: keystorePath ?? stores.keystorePath, keystoreSecret: keystoreSecret ?? stores.keystoreSecret,
            truststorePath: truststorePath ?? stores.truststorePath, truststoreSecret: truststoreSecret ?? stores.truststoreSecret,
            insecureHttp: insecureHttp ?? context.insecureHttp ?? false, requestTimeout: requestTimeout
        )
    }

    /// Runs `body` with a generated client of the control plane and shuts the HTTP client down afterwards.
    func withSession<T>(_ body: (ControlPlaneSession) async throws -> T) async throws -> T {
        try await settings().withSession(body)
    }
}
