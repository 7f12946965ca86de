import ServiceKit
import TestSupport
import Testing

@Suite("Service options")
struct ServiceOptionsTests {
    @Test("TLS is off when no option or variable is given")
    func noTLS() throws {
        #expect(try ServiceOptions.parse([]).tlsFiles(environment: [:]) == nil)
    }

    @Test("TLS files come from the environment when the options are absent")
    func tlsFromEnvironment() throws {
        let files = try ServiceOptions.parse([]).tlsFiles(environment: [
            "FLINK_TOOLBOX_TLS_CERT": "c.pem", "FLINK_TOOLBOX_TLS_KEY": "k.pem", "FLINK_TOOLBOX_TLS_CA": "ca.pem",
        ])
        #expect(files == TLSFiles(certificate: "c.pem", privateKey: "k.pem", certificateAuthority: "ca.pem"))
    }

    @Test("a partial TLS configuration is an error naming the options")
    func partialTLS() throws {
        #expect(throws: ServiceKitError.self) {
            try ServiceOptions.parse([]).tlsFiles(environment: ["FLINK_TOOLBOX_TLS_CERT": "c.pem"])
        }
        #expect(throws: (any Error).self) { try ServiceOptions.parse(["--tls-cert", "c.pem"]) }
        #expect(throws: (any Error).self) { try ServiceOptions.parse(["--tls-key", "k.pem", "--tls-ca", "ca.pem"]) }
    }

    @Test("an unreadable certificate file is a typed error naming the path")
    func unreadableCertificate() throws {
        let files = TLSFiles(
            certificate: "/nonexistent/cert.pem", privateKey: TestCertificates.trusted.serverKey,
            certificateAuthority: TestCertificates.trusted.ca)
        do {
            _ = try files.serverConfiguration()
            Issue.record("expected an error")
        } catch let error as ServiceKitError {
            #expect(error.description.contains("/nonexistent/cert.pem"))
        }
    }

    @Test("ports outside 0...65535 are rejected")
    func badPort() {
        #expect(throws: (any Error).self) { try ServiceOptions.parse(["--port", "70000"]) }
        #expect(throws: (any Error).self) { try ServiceOptions.parse(["--log-level", "loud"]) }
    }
}
