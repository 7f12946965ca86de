import AsyncHTTPClient
import Foundation
import NIOSSL
import ServiceKit
import TestSupport
import Testing

/// Certificate rotation without a restart: the API server and the clients re-read their mounted TLS files.
@Suite("TLS material reloaded without a restart")
struct TLSRotationTests {
    /// A folder holding one certificate set's server files as a mounted Secret names them.
    struct MountedSecret {
        let directory: URL
        var certificate: String { directory.appendingPathComponent("tls.crt").path }
        var key: String { directory.appendingPathComponent("tls.key").path }
        var authority: String { directory.appendingPathComponent("ca.crt").path }

        init(_ set: CertificateSet) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("toolbox-rotation-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try put(set)
        }

        /// Replaces the files with `set`'s, each by an atomic rename (as the kubelet swaps a Secret's files).
        func put(_ set: CertificateSet) throws {
            for (source, target) in [(set.serverCertificate, certificate), (set.serverKey, key), (set.ca, authority)] {
                let staged = target + ".new"
                try? FileManager.default.removeItem(atPath: staged)
                try FileManager.default.copyItem(atPath: source, toPath: staged)
                guard rename(staged, target) == 0 else { throw CocoaError(.fileWriteUnknown) }
            }
        }

        var files: TLSFiles { TLSFiles(certificate: certificate, privateKey: key, certificateAuthority: authority) }
        var arguments: [String] { ["--tls-cert", certificate, "--tls-key", key, "--tls-ca", authority, "--tls-reload-interval", "1"] }
    }

    @Test("a certificate from a new CA: new connections use it, an open connection keeps working, the server does not restart")
    func serverRotation() async throws {
        let secret = try MountedSecret(TestCertificates.trusted)
        try await withServer(tlsArguments: secret.arguments) { api, _ in
            let url = "https://localhost:\(api)/api/v1/deployments"
            var configuration = HTTPClient.Configuration(tlsConfiguration: try clientTLS(identity: TestCertificates.trusted))
            configuration.connectionPool = .init(idleTimeout: .seconds(120))
            let held = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let before = try await held.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            #expect(before.status.code != 0)

            try secret.put(TestCertificates.foreign)
            let rotated = try await eventually(within: 20) {
                try await fetch(url, tls: clientTLS(identity: TestCertificates.foreign, trust: TestCertificates.foreign)).status == before.status.code
            }
            #expect(rotated, "a client of the new CA was not served within 20 s")
            await expectRefused { try await fetch(url, tls: clientTLS(identity: TestCertificates.trusted)) }
            // The connection opened before the rotation (a new one with the old CA is refused, as just seen) still serves.
            let after = try await held.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            #expect(after.status == before.status)
            try await held.shutdown()
        }
    }

    @Test("changed files that do not load keep the previous material in use; unchanged files are not reloaded")
    func badMaterialKept() throws {
        let secret = try MountedSecret(TestCertificates.trusted)
        let reloader = try TLSReloader(files: secret.files, server: true)
        #expect(reloader.reload() == .unchanged)
        let context = try #require(reloader.serverContext)
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: secret.certificate))
        guard case .failed = reloader.reload() else {
            Issue.record("a garbage certificate was loaded")
            return
        }
        #expect(reloader.serverContext === context && reloader.generation == 1)
        try secret.put(TestCertificates.foreign)
        #expect(reloader.reload() == .reloaded(generation: 2))
        #expect(reloader.serverContext !== context)
    }

    @Test("a reloading client makes a new client with the new material and keeps one while nothing changes")
    func clientRotation() async throws {
        let secret = try MountedSecret(TestCertificates.trusted)
        let reloader = try TLSReloader(files: secret.files, server: false)
        let clients = ReloadingHTTPClient(configuration: .init(), reloader: reloader, drain: .milliseconds(50))
        let first = clients.current()
        #expect(clients.current() === first)
        try secret.put(TestCertificates.foreign)
        #expect(reloader.reload() == .reloaded(generation: 2))
        let second = clients.current()
        #expect(second !== first)
        #expect(clients.current() === second)
        await clients.shutdown()
    }
}
