import Foundation
import KubeClient
import Logging
import TestSupport

/// Runs `body` with a fresh localkube and a client configured from its kubeconfig; stops both afterwards.
func withLocalKube<Result>(
    tls: Bool = false, token: String? = nil, crds: Bool = false,
    _ body: (LocalKubeServer, KubeClient) async throws -> Result
) async throws -> Result {
    let server = try await LocalKubeServer.start(tls: tls, token: token)
    defer { server.stop() }
    if crds { try server.applyToolboxCRDs() }
    let client = try KubeClient(configuration: .kubeconfig(path: server.kubeconfig))
    do {
        let result = try await body(server, client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

let testLogger = Logger(label: "kubeclient-test")

/// A config map in `namespace` with `data`.
func configMap(_ name: String, namespace: String = "default", labels: [String: String]? = nil, data: [String: String]) -> ConfigMap {
    ConfigMap(metadata: ObjectMeta(name: name, namespace: namespace, labels: labels), data: data)
}
