import Foundation
import KubeClient
import Testing

@Suite("Kubernetes configuration")
struct KubeConfigurationTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("the current context of a kubeconfig gives server, namespace, CA, client certificate and token")
    func kubeconfig() throws {
        let directory = try Self.temporaryDirectory()
        try "CA PEM".write(to: directory.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        let yaml = """
            apiVersion: v1
            kind: Config
            current-context: work
            clusters:
            - name: local
              cluster: {server: "https://127.0.0.1:6443", certificate-authority: ca.pem}
            - name: other
              cluster: {server: "https://10.0.0.1"}
            users:
            - name: admin
              user: {client-certificate-data: \(Data("CERT".utf8).base64EncodedString()), client-key-data: \(Data("KEY".utf8).base64EncodedString()), token: abc}
            contexts:
            - name: work
              context: {cluster: local, user: admin, namespace: flink-jobs}
            - name: elsewhere
              context: {cluster: other}
            """
        let path = directory.appendingPathComponent("config").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try KubeConfiguration.kubeconfig(path: path)
        #expect(configuration.server.absoluteString == "https://127.0.0.1:6443")
        #expect(configuration.namespace == "flink-jobs")
        #expect(configuration.certificateAuthority == Data("CA PEM".utf8))
        #expect(configuration.clientCertificate == Data("CERT".utf8))
        #expect(configuration.clientKey == Data("KEY".utf8))
        #expect(configuration.token == "abc")
        let other = try KubeConfiguration.kubeconfig(path: path, context: "elsewhere")
        #expect(other.server.absoluteString == "https://10.0.0.1")
        #expect(other.namespace == "default")
    }

    @Test("an unknown context and a missing file are typed errors")
    func errors() throws {
        let directory = try Self.temporaryDirectory()
        let path = directory.appendingPathComponent("config").path
        try "clusters: []\ncontexts: []\ncurrent-context: none\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: KubeConfigurationError.self) { try KubeConfiguration.kubeconfig(path: path) }
        #expect(throws: KubeConfigurationError.unreadable("/nonexistent/config")) { try KubeConfiguration.kubeconfig(path: "/nonexistent/config") }
    }

    @Test("in-cluster configuration reads the service-account files")
    func inCluster() throws {
        let directory = try Self.temporaryDirectory()
        try "flink-jobs\n".write(to: directory.appendingPathComponent("namespace"), atomically: true, encoding: .utf8)
        try "CA".write(to: directory.appendingPathComponent("ca.crt"), atomically: true, encoding: .utf8)
        let configuration = try KubeConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"], directory: directory.path
        )
        #expect(configuration.server.absoluteString == "https://10.96.0.1:443")
        #expect(configuration.namespace == "flink-jobs")
        #expect(configuration.tokenFile == directory.appendingPathComponent("token").path)
        #expect(throws: KubeConfigurationError.notInCluster) { try KubeConfiguration.inCluster(environment: [:]) }
    }
}
