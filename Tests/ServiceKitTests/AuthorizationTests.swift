import AsyncHTTPClient
import NIOHTTP1
import ServiceKit
import TestSupport
import Testing

/// One request of a route class, and the certificates (see `CertificateSet.certificate(_:)`) it admits.
struct RouteClass: Sendable, CustomStringConvertible {
    var method: HTTPMethod
    var path: String
    var admitted: Set<String>
    var description: String { "\(method) \(path)" }
}

/// Every certificate `secrets.sh` writes for the trusted CA, and one without a role.
private let everyCertificate = [
    "operator-api", "operator-cli", "reader", "supervisor", "bootstrap", "supervisor-flink-jobs-demo", "bootstrap-flink-jobs-demo",
    "bootstrap-flink-jobs-other", "legacy",
]

@Suite("Identities: each certificate × route class, over mutual TLS", .serialized)
struct AuthorizationTests {
    @Test("control plane: admin (operator-cli) and operator everything, reader GET only, others nothing")
    func controlPlane() async throws {
        let all: Set = ["operator-api", "operator-cli"]
        try await expectAccess(
            component: .operator, scope: nil,
            routes: [
                RouteClass(method: .GET, path: "/api/v1/clusters", admitted: all.union(["reader"])),
                RouteClass(method: .GET, path: "/api/v1/cluster/demo/jobs/a/details", admitted: all.union(["reader"])),
                RouteClass(method: .PUT, path: "/api/v1/clusters/demo/stop", admitted: all),
                RouteClass(method: .DELETE, path: "/api/v1/clusters/demo/jobs/a/savepoint", admitted: all),
                RouteClass(method: .POST, path: "/api/v1/deployments/demo", admitted: all),
            ]
        )
    }

    @Test("supervisor of flink-jobs/demo: the operator; bootstrap reports from its own cluster's or unbound bootstraps")
    func supervisor() async throws {
        let reporters: Set = ["operator-api", "bootstrap", "bootstrap-flink-jobs-demo"]
        try await expectAccess(
            component: .supervisor, scope: ClusterScope(namespace: "flink-jobs", name: "demo"),
            routes: [
                RouteClass(method: .GET, path: "/supervisor/v1/cluster/overview", admitted: ["operator-api"]),
                RouteClass(method: .POST, path: "/supervisor/v1/reconcile", admitted: ["operator-api"]),
                RouteClass(method: .POST, path: "/supervisor/v1/jobs/a/bootstrap-report", admitted: reporters),
            ]
        )
    }

    @Test("bootstrap: the operator and the supervisors (its own cluster's when bound)")
    func bootstrap() async throws {
        try await expectAccess(
            component: .bootstrap, scope: ClusterScope(namespace: "flink-jobs", name: "other"),
            routes: [RouteClass(method: .GET, path: "/bootstrap/v1/progress", admitted: ["operator-api", "supervisor"])]
        )
    }

    @Test("monitoring stays open and unknown routes still answer 404")
    func monitoringAndUnknown() async throws {
        let (version, unknown) = try await withServer(component: .operator) { api, monitoring in
            (
                try await fetch("http://127.0.0.1:\(monitoring)/version"),
                try await fetch("https://localhost:\(api)/api/v1/nowhere", tls: clientTLS(as: "reader"))
            )
        }
        #expect(version.status == 200)
        #expect(unknown.status == 404)
    }
}

/// Calls every route with every certificate: admitted ones are served (the test API answers 501 or 400, never 403),
/// the others get 403 with the JSON `ErrorEnvelope`.
private func expectAccess(component: Component, scope: ClusterScope?, routes: [RouteClass]) async throws {
    try await withServer(component: component, scope: scope) { api, _ in
        for name in everyCertificate {
            let tls = try clientTLS(as: name)
            for route in routes {
                let body = route.method == .GET || route.method == .DELETE ? nil : "{}"
                let answer = try await fetch("https://localhost:\(api)\(route.path)", method: route.method, body: body, tls: tls)
                if route.admitted.contains(name) {
                    #expect(answer.status != 403, "\(name) on \(route): \(answer.body)")
                } else {
                    #expect(answer.status == 403, "\(name) on \(route) should be refused, got \(answer.status)")
                    #expect(answer.contentType?.hasPrefix("application/json") == true)
                    #expect(answer.json?["status"] as? String == "FAILURE")
                    #expect(answer.json?["reason"] as? String == "Unauthorized")
                    #expect((answer.json?["error"] as? String)?.isEmpty == false)
                }
            }
        }
    }
}
