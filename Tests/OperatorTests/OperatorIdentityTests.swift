import Foundation
import NIOHTTP1
import TestSupport
import Testing

@Suite("The operator's control plane authorizes by identity", .serialized)
struct OperatorIdentityTests {
    @Test("admin and operator change, reader only reads, supervisor, bootstrap and role-less certificates get 403 JSON")
    func identityTimesRouteClass() async throws {
        let harness = try await OperatorHarness.start()
        defer { Task { await harness.stop() } }
        _ = try await harness.api(.GET, "/deployments")  // the cache is loaded
        let base = "https://localhost:\(harness.ports[0].api)/api/v1"
        func call(_ name: String, _ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> Answer {
            try await fetch(base + path, method: method, body: body, tls: clientTLS(as: name))
        }
        for name in ["operator-cli", "operator-api", "reader"] {
            #expect(try await call(name, .GET, "/deployments").status == 200, "\(name)")
            #expect(try await call(name, .GET, "/clusters/nope/status").status == 404, "\(name)")
        }
        let refusedReader = try await call("reader", .POST, "/deployments/demo", body: demoDeploymentSpec)
        #expect(refusedReader.status == 403 && refusedReader.json?["reason"] as? String == "Unauthorized", "\(refusedReader.body)")
        #expect(try await call("reader", .PUT, "/clusters/demo/stop", body: "{}").status == 403)
        #expect(try await call("reader", .DELETE, "/deployments/demo").status == 403)
        for name in ["supervisor", "bootstrap", "bootstrap-flink-jobs-demo", "legacy"] {
            let answer = try await call(name, .GET, "/deployments")
            #expect(answer.status == 403 && answer.json?["status"] as? String == "FAILURE", "\(name): \(answer.body)")
        }
        #expect(try await call("operator-cli", .POST, "/deployments/demo", body: demoDeploymentSpec).status == 200)
        #expect(try await call("operator-api", .PUT, "/clusters/demo/stop", body: "{}").status != 403)
        #expect(try await call("operator-cli", .DELETE, "/deployments/demo").status == 200)
    }
}
