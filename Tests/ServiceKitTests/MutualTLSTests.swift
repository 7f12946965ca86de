import AsyncHTTPClient
import NIOSSL
import ServiceKit
import TestSupport
import Testing

@Suite("Mutual TLS on the API listener")
struct MutualTLSTests {
    @Test("a client with a certificate from the toolbox CA is served")
    func trustedClientAccepted() async throws {
        let answer = try await withServer { api, _ in
            try await fetch("https://localhost:\(api)/api/v1/deployments", tls: clientTLS(identity: TestCertificates.trusted))
        }
        #expect(answer.status == 501)
    }

    @Test("a client without a certificate is refused")
    func clientWithoutCertificateRefused() async throws {
        try await withServer { api, _ in
            await expectRefused {
                try await fetch("https://localhost:\(api)/api/v1/deployments", tls: clientTLS(identity: nil))
            }
        }
    }

    @Test("a client with a certificate from another CA is refused")
    func foreignClientRefused() async throws {
        try await withServer { api, _ in
            await expectRefused {
                try await fetch("https://localhost:\(api)/api/v1/deployments", tls: clientTLS(identity: TestCertificates.foreign))
            }
        }
    }

    @Test("a client that does not trust the toolbox CA refuses the server")
    func serverVerifiedByClient() async throws {
        try await withServer { api, _ in
            await expectRefused {
                try await fetch(
                    "https://localhost:\(api)/api/v1/deployments",
                    tls: clientTLS(identity: TestCertificates.trusted, trust: TestCertificates.foreign)
                )
            }
        }
    }

    @Test("TLS 1.1 is refused and TLS 1.2 accepted")
    func minimumTLSVersion() async throws {
        try await withServer { api, _ in
            var old = try clientTLS(identity: TestCertificates.trusted)
            old.minimumTLSVersion = .tlsv1
            old.maximumTLSVersion = .tlsv11
            await expectRefused { try await fetch("https://localhost:\(api)/api/v1/deployments", tls: old) }
            var current = try clientTLS(identity: TestCertificates.trusted)
            current.maximumTLSVersion = .tlsv12
            #expect(try await fetch("https://localhost:\(api)/api/v1/deployments", tls: current).status == 501)
        }
    }

    @Test("without TLS options the API serves plain HTTP")
    func plainWithoutTLS() async throws {
        let answer = try await withServer(tls: nil) { api, _ in try await fetch("http://127.0.0.1:\(api)/api/v1/clusters") }
        #expect(answer.status == 501)
    }
}

/// Expects `request` to fail because the TLS handshake was refused, not because it timed out.
func expectRefused(_ request: () async throws -> Answer) async {
    do {
        let answer = try await request()
        Issue.record("expected the connection to be refused, got HTTP \(answer.status)")
    } catch let error as HTTPClientError where error == .deadlineExceeded || error == .connectTimeout {
        Issue.record("timed out instead of being refused: \(error)")
    } catch {
        // Refused during the handshake, as expected.
    }
}
