import Foundation
import NIOSSL
import Yams

/// How to reach and authenticate to a Kubernetes API server.
public struct KubeConfiguration: Sendable {
    /// Base URL of the API server, e.g. `https://10.0.0.1:443`.
    public var server: URL
    /// Namespace used when a call names none.
    public var namespace: String
    /// PEM of the CA that signs the server's certificate; system roots when `nil`.
    public var certificateAuthority: Data?
    /// PEM client certificate and key, for certificate authentication.
    public var clientCertificate: Data?
    public var clientKey: Data?
    /// Bearer token, for token authentication (re-read from `tokenFile` on every request when set).
    public var token: String?
    public var tokenFile: String?
    /// Skip verification of the server's certificate (kubeconfig `insecure-skip-tls-verify`).
    public var insecureSkipTLSVerify = false

    /// A configuration for `server` without authentication.
    public init(server: URL, namespace: String = "default") {
        self.server = server
        self.namespace = namespace
    }

    /// The TLS configuration for this server: TLS 1.2+, the CA, the client identity.
    func tlsConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let certificateAuthority {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(certificateAuthority)))
        }
        if let clientCertificate, let clientKey {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(clientCertificate)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(clientKey), format: .pem))
        }
        if insecureSkipTLSVerify { tls.certificateVerification = .none }
        return tls
    }

    /// The bearer token to send now, if any.
    func currentToken() -> String? {
        if let tokenFile, let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return token
    }
}

extension KubeConfiguration {
    /// Standard service-account files of a pod.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The in-cluster configuration: `KUBERNETES_SERVICE_HOST`/`_PORT` and the pod's service-account files.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment, directory: String = serviceAccountDirectory
    ) throws -> KubeConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"] else {
            throw KubeConfigurationError.notInCluster
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let url = URL(string: "https://\(hostPart):\(port)") else { throw KubeConfigurationError.invalid("bad service address \(host):\(port)") }
        let namespace = (try? String(contentsOfFile: "\(directory)/namespace", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var configuration = KubeConfiguration(server: url, namespace: namespace ?? "default")
        configuration.certificateAuthority = FileManager.default.contents(atPath: "\(directory)/ca.crt")
        configuration.tokenFile = "\(directory)/token"
        return configuration
    }

    /// The configuration of a kubeconfig file's current context (or of `context`).
    public static func kubeconfig(path: String, context: String? = nil) throws -> KubeConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { throw KubeConfigurationError.unreadable(path) }
        let file: KubeconfigFile
        do {
            file = try YAMLDecoder().decode(KubeconfigFile.self, from: data)
        } catch {
            throw KubeConfigurationError.invalid("\(path): \(error)")
        }
        return try file.configuration(context: context, baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// `--kube-config` when given, else `$KUBECONFIG` (first path), else in-cluster, else `~/.kube/config`.
    public static func resolve(
        kubeconfig: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws
        -> KubeConfiguration
    {
        if let kubeconfig { return try .kubeconfig(path: kubeconfig) }
        if let paths = environment["KUBECONFIG"], let first = paths.split(separator: ":").first {
            return try .kubeconfig(path: String(first))
        }
        if let configuration = try? inCluster(environment: environment) { return configuration }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return try .kubeconfig(path: "\(home)/.kube/config")
    }
}

/// Why a configuration could not be made.
public enum KubeConfigurationError: Error, Equatable, CustomStringConvertible {
    case notInCluster
    case unreadable(String)
    case invalid(String)

    /// A message naming the problem.
    public var description: String {
        switch self {
        case .notInCluster: return "not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset)"
        case .unreadable(let path): return "cannot read kubeconfig \(path)"
        case .invalid(let message): return "invalid kubeconfig: \(message)"
        }
    }
}
