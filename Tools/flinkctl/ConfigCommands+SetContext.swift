import ArgumentParser
import Foundation
import ToolboxCore

extension ConfigCommand {
    /// `set-context NAME [options]`: creates a context or changes the options given.
    struct SetContext: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-context", abstract: "Create a context, or change the given options of an existing one.",
            discussion: """
                Options left out keep their value. PEM options replace the context's keystore options and the other way \
                round. Relative file paths are stored as absolute paths.

                Examples:
                  flinkctl config set-context local --port 4444 \\
                    --cert secrets/client_cert.pem --key secrets/client_key.pem \\
                    --ca-cert secrets/ca_cert.pem
                  flinkctl config set-context legacy --host operator \\
                    --keystore-path keystore.jks --keystore-secret keystore-password \\
                    --truststore-path truststore.jks --truststore-secret truststore-password
                  flinkctl config set-context local --port 5555
                  flinkctl config set-context team-b --host operator --namespace team-b
                """)
        @OptionGroup var file: File
        @Argument(help: "Name of the context.") var name: String
        @Option(help: ArgumentHelp("Namespace of the objects (one the operator manages).", valueName: "name")) var namespace: String?
        @Option(help: "Host of the operator's control plane.") var host: String?
        @Option(help: "Port of the operator's control plane.") var port: Int?
        @Option(help: ArgumentHelp("PEM certificate presented to the operator.", valueName: "file")) var cert: String?
        @Option(help: ArgumentHelp("PEM private key of --cert.", valueName: "file")) var key: String?
        @Option(help: ArgumentHelp("PEM certificate of the operator's CA.", valueName: "file")) var caCert: String?
        @Option(help: ArgumentHelp("PKCS#12 keystore with the client's key and certificate.", valueName: "file")) var keystorePath: String?
        @Option(help: ArgumentHelp("Password of --keystore-path.", valueName: "password")) var keystoreSecret: String?
        @Option(help: ArgumentHelp("PKCS#12 truststore with the CA certificate.", valueName: "file")) var truststorePath: String?
        @Option(help: ArgumentHelp("Password of --truststore-path.", valueName: "password")) var truststoreSecret: String?
        @Flag(inversion: .prefixedNo, help: "Use plain HTTP.") var insecureHttp: Bool?

        func validate() throws {
            guard !name.isEmpty else { throw ValidationError("the context name must not be empty") }
            if let namespace, !ResourceNames.isValidName(namespace) {
                throw ValidationError("invalid namespace '\(namespace)': use lower-case letters, digits and '-', at most 63")
            }
            if let port, !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535, got \(port)") }
            let givenPEM = cert != nil || key != nil || caCert != nil
            let givenStores = keystorePath != nil || keystoreSecret != nil || truststorePath != nil || truststoreSecret != nil
            guard !(givenPEM && givenStores) else { throw ValidationError("give --cert/--key/--ca-cert or the keystore options, not both") }
        }

        func run() throws {
            var config = try file.load()
            let existed = config[name] != nil
            config[name] = changed(config[name] ?? ClientConfig.Context())
            try config.save(to: file.path)
            print("Context \"\(name)\" \(existed ? "modified" : "created") in \(file.path).")
        }

        /// `context` with the options given.
        func changed(_ context: ClientConfig.Context) -> ClientConfig.Context {
            var context = context
            if cert != nil || key != nil || caCert != nil {
                (context.keystorePath, context.keystoreSecret, context.truststorePath, context.truststoreSecret) = (nil, nil, nil, nil)
            }
            if keystorePath != nil || keystoreSecret != nil || truststorePath != nil || truststoreSecret != nil {
                (context.cert, context.key, context.caCert) = (nil, nil, nil)
            }
            context.namespace = namespace ?? context.namespace
            context.host = host ?? context.host
            context.port = port ?? context.port
            context.cert = cert.map(Self.absolute) ?? context.cert
            context.key = key.map(Self.absolute) ?? context.key
            context.caCert = caCert.map(Self.absolute) ?? context.caCert
            context.keystorePath = keystorePath.map(Self.absolute) ?? context.keystorePath
            context.keystoreSecret = keystoreSecret ?? context.keystoreSecret
            context.truststorePath = truststorePath.map(Self.absolute) ?? context.truststorePath
            context.truststoreSecret = truststoreSecret ?? context.truststoreSecret
            context.insecureHttp = insecureHttp ?? context.insecureHttp
            return context
        }

        private static func absolute(_ path: String) -> String {
            guard !path.hasPrefix("/") else { return path }
            return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path).standardized.path
        }
    }
}
