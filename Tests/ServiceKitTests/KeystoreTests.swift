import Foundation
import ServiceKit
import TestSupport
import Testing

/// The original's TLS material: the PKCS#12 `.jks` key and trust stores `secrets.sh` writes (trust stores by Java's
/// keytool), as `--keystore-path/--truststore-path` options and as a mounted Secret directory.
@Suite("Keystores of the original")
struct KeystoreTests {
    static let certificates = TestCertificates.trusted

    static var keystoreArguments: [String] {
        [
            "--keystore-path", certificates.serverKeystore, "--keystore-secret", certificates.keystorePassword,
            "--truststore-path", certificates.serverTruststore, "--truststore-secret", certificates.truststorePassword,
        ]
    }

    /// A directory laid out like the manual's Secret mounted as a volume (passwords as the files' contents).
    static func secretDirectory(keystorePassword: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keystore-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: certificates.serverKeystore, toPath: directory.appendingPathComponent("keystore.jks").path)
        try FileManager.default.copyItem(atPath: certificates.serverTruststore, toPath: directory.appendingPathComponent("truststore.jks").path)
        try Data(keystorePassword.utf8).write(to: directory.appendingPathComponent("keystore-secret"))
        try Data("\(certificates.truststorePassword)\n".utf8).write(to: directory.appendingPathComponent("truststore-secret"))
        return directory.path
    }

    @Test("a server with the original's keystore options serves clients of the CA and refuses others")
    func serverWithKeystoreOptions() async throws {
        let (trusted, foreign) = try await withServer(tlsArguments: Self.keystoreArguments) { api, _ in
            let url = "https://localhost:\(api)/api/v1/deployments"
            let trusted = try await fetch(url, tls: clientTLS(identity: TestCertificates.trusted)).status
            let foreign: Int? = try? await fetch(url, tls: clientTLS(identity: TestCertificates.foreign)).status
            return (trusted, foreign)
        }
        #expect(trusted == 501)
        #expect(foreign == nil, "a client of another CA was answered")
    }

    @Test("a mounted Secret in the manual's form (keystore.jks, truststore.jks, keystore-secret, truststore-secret) is used by --tls-dir")
    func serverWithKeystoreSecretDirectory() async throws {
        let directory = try Self.secretDirectory(keystorePassword: Self.certificates.keystorePassword)
        let answer = try await withServer(tlsArguments: ["--tls-dir", directory]) { api, _ in
            try await fetch("https://localhost:\(api)/api/v1/deployments", tls: clientTLS(identity: TestCertificates.trusted))
        }
        #expect(answer.status == 501)
    }

    @Test("a client identity from the original's client keystore and truststore is accepted by a PEM server")
    func clientWithKeystores() async throws {
        let files = TLSFiles(
            keystore: Self.certificates.clientKeystore, keystorePassword: Self.certificates.keystorePassword,
            truststore: Self.certificates.clientTruststore, truststorePassword: Self.certificates.truststorePassword
        )
        let answer = try await withServer { api, _ in
            try await fetch("https://localhost:\(api)/api/v1/deployments", tls: files.clientConfiguration())
        }
        #expect(answer.status == 501)
    }

    @Test("a wrong password, a trust store given as key store, a JKS file and an empty directory are errors naming the file")
    func unreadableStores() throws {
        let wrong = TLSFiles(
            keystore: Self.certificates.serverKeystore, keystorePassword: "not-it",
            truststore: Self.certificates.serverTruststore, truststorePassword: Self.certificates.truststorePassword
        )
        #expect(description(of: { try wrong.serverConfiguration() }).contains("wrong password"))
        let swapped = TLSFiles(
            keystore: Self.certificates.serverTruststore, keystorePassword: Self.certificates.truststorePassword,
            truststore: Self.certificates.serverTruststore, truststorePassword: Self.certificates.truststorePassword
        )
        #expect(description(of: { try swapped.serverConfiguration() }).contains("no private key"))
        let jks = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).jks")
        try Data([0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]).write(to: jks)
        let javaStore = TLSFiles(keystore: jks.path, keystorePassword: "x", truststore: jks.path, truststorePassword: "x")
        #expect(description(of: { try javaStore.serverConfiguration() }).contains("keytool -importkeystore"))
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(description(of: { try TLSFiles.directory(empty.path) }).contains("keystore.jks"))
    }

    @Test("--tls-dir picks PEM files when tls.crt is there; option families cannot be mixed")
    func selection() throws {
        let pemDirectory = Self.certificates.directory.appendingPathComponent("pem-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: pemDirectory, withIntermediateDirectories: true)
        try Data().write(to: pemDirectory.appendingPathComponent("tls.crt"))
        let pem = try TLSFiles.directory(pemDirectory.path)
        #expect(
            pem.source
                == .pem(
                    certificate: "\(pemDirectory.path)/tls.crt", privateKey: "\(pemDirectory.path)/tls.key", certificateAuthority: "\(pemDirectory.path)/ca.crt"
                ))
        let keystores = try TLSFiles.directory(Self.secretDirectory(keystorePassword: "secret"))
        guard case .pkcs12(_, let keystorePassword, _, let truststorePassword) = keystores.source else {
            Issue.record("expected the keystore form, got \(keystores.source)")
            return
        }
        #expect(keystorePassword == "secret" && truststorePassword == Self.certificates.truststorePassword)
        #expect(throws: (any Error).self) { try ServiceOptions.parse(Self.keystoreArguments + ["--tls-dir", pemDirectory.path]) }
        #expect(throws: (any Error).self) { try ServiceOptions.parse(["--keystore-path", Self.certificates.serverKeystore]) }
    }

    private func description(of body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }
}
