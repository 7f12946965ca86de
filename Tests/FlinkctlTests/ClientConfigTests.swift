import ArgumentParser
import Foundation
import Testing

@testable import Flinkctl

/// A fresh folder for one test's config files.
private func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("flinkctl-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("flinkctl's config file and contexts")
struct ClientConfigTests {
    @Test("the path: --config, then $FLINKCTL_CONFIG, then $XDG_CONFIG_HOME, then ~/.config")
    func path() {
        #expect(ClientConfig.path("/x/c.yaml", environment: ["FLINKCTL_CONFIG": "/e.yaml"]) == "/x/c.yaml")
        #expect(ClientConfig.path(nil, environment: ["FLINKCTL_CONFIG": "/e.yaml", "HOME": "/home/u"]) == "/e.yaml")
        #expect(ClientConfig.path(nil, environment: ["XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"]) == "/xdg/flinkctl/config.yaml")
        #expect(ClientConfig.path(nil, environment: ["HOME": "/home/u"]) == "/home/u/.config/flinkctl/config.yaml")
    }

    @Test("saved atomically with mode 0600, in a new folder, and read back equal; a missing file is an empty config")
    func saveAndLoad() throws {
        let path = try folder().appendingPathComponent("new/config.yaml").path
        #expect(try ClientConfig.load(from: path) == ClientConfig())
        var config = ClientConfig(currentContext: "prod")
        config["prod"] = .init(host: "operator.example.com", port: 4444, cert: "/c.pem", key: "/k.pem", caCert: "/ca.pem")
        config["legacy"] = .init(keystorePath: "/ks.jks", keystoreSecret: "s3cret", truststorePath: "/ts.jks", truststoreSecret: "t")
        try config.save(to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try ClientConfig.load(from: path) == config)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("current-context: prod") && text.contains("ca-cert: /ca.pem") && text.contains("kind: Config"), "\(text)")
        // Saving again replaces the file; no temporary file is left beside it.
        config["prod"] = nil
        try config.save(to: path)
        #expect(try ClientConfig.load(from: path).contexts.map(\.name) == ["legacy"])
        let left = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        #expect(left == ["config.yaml"])
    }

    @Test("a broken file and an unknown context are clear errors")
    func errors() throws {
        let path = try folder().appendingPathComponent("config.yaml").path
        try "contexts: {not: [a, list".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: FlinkctlError.self) { try ClientConfig.load(from: path) }
        try ClientConfig(currentContext: "gone").save(to: path)
        #expect {
            _ = try ConnectionOptions.parse(["--config", path]).settings()
        } throws: { error in
            ConnectionOptions.message(for: error).contains("no context \"gone\"")
        }
    }

    @Test("options left out come from the context; options given override it, TLS material of the other kind replaces it")
    func precedence() throws {
        let path = try folder().appendingPathComponent("config.yaml").path
        var config = ClientConfig(currentContext: "prod")
        config["prod"] = .init(host: "operator.example.com", port: 5555, cert: "/c.pem", key: "/k.pem", caCert: "/ca.pem")
        config["plain"] = .init(host: "10.0.0.1", insecureHttp: true)
        try config.save(to: path)

        let fromContext = try ConnectionOptions.parse(["--config", path]).settings()
        #expect(fromContext.serverURL.absoluteString == "https://operator.example.com:5555")
        #expect(try fromContext.tlsFiles().source == .pem(certificate: "/c.pem", privateKey: "/k.pem", certificateAuthority: "/ca.pem"))

        let overridden = try ConnectionOptions.parse(["--config", path, "--port", "4444", "--cert", "/other.pem"]).settings()
        #expect(overridden.serverURL.absoluteString == "https://operator.example.com:4444")
        #expect(try overridden.tlsFiles().source == .pem(certificate: "/other.pem", privateKey: "/k.pem", certificateAuthority: "/ca.pem"))

        let stores = try ConnectionOptions.parse(["--config", path, "--keystore-path", "/ks", "--truststore-path", "/ts"]).settings()
        #expect(try stores.tlsFiles().source == .pkcs12(keystore: "/ks", keystorePassword: "", truststore: "/ts", truststorePassword: ""))

        let plain = try ConnectionOptions.parse(["--config", path, "--context", "plain"]).settings()
        #expect(plain.serverURL.absoluteString == "http://10.0.0.1:4444")
        // --no-insecure-http overrides the context's plain HTTP: TLS, for which this context has no material.
        #expect {
            _ = try ConnectionOptions.parse(["--config", path, "--context", "plain", "--no-insecure-http"])
        } throws: { error in
            ConnectionOptions.message(for: error).contains("the operator requires mutual TLS")
        }
        let tls = try ConnectionOptions.parse([
            "--config", path, "--context", "plain", "--no-insecure-http", "--keystore-path", "/k", "--truststore-path", "/t",
        ])
        #expect(try tls.settings().serverURL.absoluteString == "https://10.0.0.1:4444")

        let none = try ConnectionOptions.parse(["--config", path + ".missing", "--insecure-http"]).settings()
        #expect(none.serverURL.absoluteString == "http://localhost:4444")
    }

    @Test("set-context changes only the options given, stores absolute paths, and PEM files replace the keystores")
    func setContext() throws {
        let start = ClientConfig.Context(host: "h", port: 1, keystorePath: "/ks", keystoreSecret: "s", truststorePath: "/ts", truststoreSecret: "t")
        let portOnly = try ConfigCommand.SetContext.parse(["prod", "--port", "2"]).changed(start)
        #expect(portOnly == ClientConfig.Context(host: "h", port: 2, keystorePath: "/ks", keystoreSecret: "s", truststorePath: "/ts", truststoreSecret: "t"))
        let pem = try ConfigCommand.SetContext.parse(["prod", "--cert", "client.pem", "--key", "/k.pem", "--ca-cert", "/ca.pem"]).changed(start)
        let cwd = FileManager.default.currentDirectoryPath
        #expect(pem == ClientConfig.Context(host: "h", port: 1, cert: cwd + "/client.pem", key: "/k.pem", caCert: "/ca.pem"))
        #expect(throws: (any Error).self) { try ConfigCommand.SetContext.parse(["prod", "--cert", "/c", "--keystore-path", "/ks"]) }
        #expect(throws: (any Error).self) { try ConfigCommand.SetContext.parse(["prod", "--port", "70000"]) }
    }
}
