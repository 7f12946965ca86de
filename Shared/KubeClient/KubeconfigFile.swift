import Foundation

/// The kubeconfig file format (the parts a client needs).
struct KubeconfigFile: Decodable {
    struct Named<Value: Decodable>: Decodable {
        var name: String
        var value: Value
        enum CodingKeys: String, CodingKey { case name, cluster, user, context }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            let key = [CodingKeys.cluster, .user, .context].first { container.contains($0) }
            guard let key else {
                throw DecodingError.keyNotFound(CodingKeys.cluster, .init(codingPath: container.codingPath, debugDescription: "entry \(name) has no body"))
            }
            value = try container.decode(Value.self, forKey: key)
        }
    }
    struct Cluster: Decodable {
        var server: String
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        }
    }
    struct User: Decodable {
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var token: String?
        var tokenFile: String?
        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case token
            case tokenFile
        }
    }
    struct Context: Decodable {
        var cluster: String
        var user: String?
        var namespace: String?
    }

    var clusters: [Named<Cluster>]
    var users: [Named<User>]?
    var contexts: [Named<Context>]
    var currentContext: String?
    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    /// The configuration of `context` (or the current one); relative file paths resolve against `baseDirectory`.
    func configuration(context name: String?, baseDirectory: URL) throws -> KubeConfiguration {
        guard let contextName = name ?? currentContext, let context = contexts.first(where: { $0.name == contextName })?.value else {
            throw KubeConfigurationError.invalid("no context \(name ?? currentContext ?? "(current-context unset)")")
        }
        guard let cluster = clusters.first(where: { $0.name == context.cluster })?.value, let url = URL(string: cluster.server) else {
            throw KubeConfigurationError.invalid("context \(contextName) names unknown or invalid cluster \(context.cluster)")
        }
        var configuration = KubeConfiguration(server: url, namespace: context.namespace ?? "default")
        configuration.insecureSkipTLSVerify = cluster.insecureSkipTLSVerify ?? false
        configuration.certificateAuthority = try material(cluster.certificateAuthorityData, cluster.certificateAuthority, baseDirectory)
        if let userName = context.user, let user = users?.first(where: { $0.name == userName })?.value {
            configuration.clientCertificate = try material(user.clientCertificateData, user.clientCertificate, baseDirectory)
            configuration.clientKey = try material(user.clientKeyData, user.clientKey, baseDirectory)
            configuration.token = user.token
            configuration.tokenFile = user.tokenFile.map { resolve($0, baseDirectory) }
        }
        return configuration
    }

    private func material(_ base64: String?, _ path: String?, _ baseDirectory: URL) throws -> Data? {
        if let base64 {
            guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
                throw KubeConfigurationError.invalid("invalid base64 certificate data")
            }
            return data
        }
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: resolve(path, baseDirectory)) else {
            throw KubeConfigurationError.unreadable(resolve(path, baseDirectory))
        }
        return data
    }

    private func resolve(_ path: String, _ baseDirectory: URL) -> String {
        path.hasPrefix("/") ? path : baseDirectory.appendingPathComponent(path).path
    }
}
