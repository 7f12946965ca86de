import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import OpenAPIAsyncHTTPClient
import ServiceKit
import ToolboxAPI

/// The connection options resolved from the command line, the environment and the config file's context.
struct ConnectionSettings {
    /// The namespace sent with every request (`?namespace=`); nil: the operator's own.
    let namespace: String?
    let host: String
    let port: Int
    /// PEM options given on the command line.
    let cert: String?
    let key: String?
    let caCert: String?
    /// PEM files of the context, used after the command line and the `FLINKCTL_*` variables.
    let contextPEM: (cert: String?, key: String?, caCert: String?)
    let keystorePath: String?
    let keystoreSecret: String?
    let truststorePath: String?
    let truststoreSecret: String?
    let insecureHttp: Bool
    let requestTimeout: Int64

    /// The TLS material: the keystore options when given (both stores), otherwise the PEM options, their variables or
    /// the context's files.
    func tlsFiles() throws -> TLSFiles {
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
                "missing \(names) (or --keystore-path and --truststore-path, or a context: flinkctl config set-context): "
                    + "the operator requires mutual TLS; use --insecure-http for a plain HTTP operator"
            )
        }
        return TLSFiles(certificate: certificatePath, privateKey: keyPath, certificateAuthority: caPath)
    }

    private static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var certificatePath: String? { cert ?? Self.environment("FLINKCTL_CERT") ?? contextPEM.cert }
    private var keyPath: String? { key ?? Self.environment("FLINKCTL_KEY") ?? contextPEM.key }
    private var caPath: String? { caCert ?? Self.environment("FLINKCTL_CA_CERT") ?? contextPEM.caCert }

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
        let client = Client(serverURL: serverURL, transport: transport, middlewares: [recorder] + (namespace.map { [NamespaceQuery(namespace: $0)] } ?? []))
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
