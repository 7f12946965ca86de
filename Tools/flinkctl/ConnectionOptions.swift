import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import OpenAPIAsyncHTTPClient
import ServiceKit
import ToolboxAPI

/// Where the operator's control plane listens and how to prove who we are: mutual TLS with PEM files or with the
/// original's PKCS#12 keystore and truststore, or plain HTTP.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Host of the operator's control plane.")
    var host = "localhost"

    @Option(help: "Port of the operator's control plane.")
    var port = 4444

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

    @Flag(help: "Use plain HTTP, for an operator started without TLS.")
    var insecureHttp = false

    @Option(help: ArgumentHelp("Seconds to wait for each answer.", valueName: "seconds"))
    var requestTimeout: Int64 = 60

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535, got \(port)") }
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
        guard !insecureHttp else { return }
        _ = try tlsFiles()
    }

    /// The TLS material: the keystore options when given (both stores), otherwise the PEM options or their variables.
    private func tlsFiles() throws -> TLSFiles {
        if keystorePath != nil || truststorePath != nil {
            guard cert == nil, key == nil, caCert == nil else {
                throw ValidationError("give --keystore-path/--truststore-path or --cert/--key/--ca-cert, not both")
            }
            guard let keystorePath, let truststorePath else {
                throw ValidationError("--keystore-path and --truststore-path must be given together")
            }
            return TLSFiles(
                keystore: keystorePath, keystorePassword: keystoreSecret ?? "", truststore: truststorePath,
                truststorePassword: truststoreSecret ?? ""
            )
        }
        let missing = [("--cert", "FLINKCTL_CERT", certificatePath), ("--key", "FLINKCTL_KEY", keyPath), ("--ca-cert", "FLINKCTL_CA_CERT", caPath)]
            .filter { $0.2 == nil }
        guard missing.isEmpty, let certificatePath, let keyPath, let caPath else {
            let names = missing.map { "\($0.0) (or $\($0.1))" }.joined(separator: ", ")
            throw ValidationError(
                "missing \(names) (or --keystore-path and --truststore-path): the operator requires mutual TLS; use --insecure-http for a plain HTTP operator"
            )
        }
        return TLSFiles(certificate: certificatePath, privateKey: keyPath, certificateAuthority: caPath)
    }

    private static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var certificatePath: String? { cert ?? Self.environment("FLINKCTL_CERT") }
    private var keyPath: String? { key ?? Self.environment("FLINKCTL_KEY") }
    private var caPath: String? { caCert ?? Self.environment("FLINKCTL_CA_CERT") }

    /// Base URL of the control plane.
    var serverURL: URL {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return URL(string: "\(insecureHttp ? "http" : "https")://\(bracketed):\(port)")!
    }

    /// Runs `body` with a generated client of the control plane and shuts the HTTP client down afterwards.
    func withSession<T>(_ body: (ControlPlaneSession) async throws -> T) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(requestTimeout))
        // A command fails at once when it cannot connect (a refused certificate must not be retried for 10 s).
        configuration.connectionPool.retryConnectionEstablishment = false
        if !insecureHttp {
            do {
                configuration.tlsConfiguration = try tlsFiles().clientConfiguration(verifyHostname: true)
            } catch {
                throw FlinkctlError.setup("\(error)")
            }
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let recorder = ResponseRecorder()
        let transport = AsyncHTTPClientTransport(configuration: .init(client: http, timeout: .seconds(requestTimeout)))
        let client = Client(serverURL: serverURL, transport: transport, middlewares: [recorder])
        let session = ControlPlaneSession(client: client, serverURL: serverURL, recorder: recorder)
        do {
            let result = try await body(session)
            try? await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}
