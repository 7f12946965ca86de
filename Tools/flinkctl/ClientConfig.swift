import Foundation
import Yams

/// flinkctl's config file, like a kubeconfig: named contexts, each with where the operator is and how to prove who we
/// are, and the context used when `--context` is not given.
struct ClientConfig: Codable, Equatable, Sendable {
    /// The context used when `--context` is not given.
    var currentContext: String?
    /// The contexts, in the order they were added.
    var contexts: [NamedContext] = []

    /// A context and its name.
    struct NamedContext: Codable, Equatable, Sendable {
        var name: String
        var context: Context
    }

    /// The connection options a context sets; each is the value of the option of the same name.
    struct Context: Codable, Equatable, Sendable {
        var namespace: String?
        var host: String?
        var port: Int?
        var cert: String?
        var key: String?
        var caCert: String?
        var keystorePath: String?
        var keystoreSecret: String?
        var truststorePath: String?
        var truststoreSecret: String?
        var insecureHttp: Bool?

        enum CodingKeys: String, CodingKey {
            case namespace, host, port, cert, key
            case caCert = "ca-cert"
            case keystorePath = "keystore-path"
            case keystoreSecret = "keystore-secret"
            case truststorePath = "truststore-path"
            case truststoreSecret = "truststore-secret"
            case insecureHttp = "insecure-http"
        }
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind
        case currentContext = "current-context"
        case contexts
    }

    init(currentContext: String? = nil, contexts: [NamedContext] = []) {
        self.currentContext = currentContext
        self.contexts = contexts
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currentContext = try container.decodeIfPresent(String.self, forKey: .currentContext)
        contexts = try container.decodeIfPresent([NamedContext].self, forKey: .contexts) ?? []
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("flinkctl/v1", forKey: .apiVersion)
        try container.encode("Config", forKey: .kind)
        try container.encodeIfPresent(currentContext, forKey: .currentContext)
        try container.encode(contexts, forKey: .contexts)
    }

    /// The context named `name`.
    subscript(name: String) -> Context? {
        get { contexts.first { $0.name == name }?.context }
        set {
            if let newValue {
                if let index = contexts.firstIndex(where: { $0.name == name }) {
                    contexts[index].context = newValue
                } else {
                    contexts.append(NamedContext(name: name, context: newValue))
                }
            } else {
                contexts.removeAll { $0.name == name }
            }
        }
    }

    /// The context to connect with: `name` when given (it must exist), otherwise the current context, if any.
    func selected(_ name: String?, path: String) throws -> Context? {
        guard let name = name ?? currentContext else { return nil }
        guard let context = self[name] else {
            throw FlinkctlError.setup("no context \"\(name)\" in \(path) (flinkctl config get-contexts lists them)")
        }
        return context
    }

    /// The config as YAML.
    func yaml() throws -> String {
        let text = try YAMLEncoder().encode(self)
        return text.hasSuffix("\n") ? text : text + "\n"
    }
}
