import NIOHTTP1
import ServiceKit
import TestSupport
import Testing

@Suite("Routes of the contract")
struct RouteTests {
    /// The operator's certificate: the one role every listener's API admits (see AuthorizationTests).
    static let tls = Result { try clientTLS(as: "operator-api") }

    @Test(
        "an unimplemented route answers 501 with a JSON error envelope",
        arguments: [
            (Component.operator, "GET", "/api/v1/deployments"),
            (Component.operator, "PUT", "/api/v1/clusters/demo/jobs/computeaverage/savepoint/trigger"),
            (Component.operator, "GET", "/api/v1/cluster/demo/taskmanagers"),
            (Component.supervisor, "POST", "/supervisor/v1/reconcile"),
            (Component.supervisor, "GET", "/supervisor/v1/taskmanagers"),
            (Component.bootstrap, "GET", "/bootstrap/v1/progress"),
        ])
    func notImplemented(component: Component, method: String, path: String) async throws {
        let answer = try await withServer(component: component) { api, _ in
            try await fetch("https://localhost:\(api)\(path)", method: HTTPMethod(rawValue: method), tls: Self.tls.get())
        }
        #expect(answer.status == 501)
        #expect(answer.contentType?.hasPrefix("application/json") == true)
        #expect(answer.json?["status"] as? String == "FAILURE")
        #expect(answer.json?["reason"] as? String == "NotImplemented")
        #expect((answer.json?["error"] as? String)?.contains("not implemented") == true)
    }

    @Test(
        "a listener serves only its own part of the contract; other paths are 404 with a JSON body",
        arguments: [
            (Component.operator, "/supervisor/v1/taskmanagers"),
            (Component.operator, "/metrics"),
            (Component.supervisor, "/api/v1/deployments"),
            (Component.bootstrap, "/api/v1/clusters"),
            (Component.operator, "/api/v1/no-such-route"),
        ])
    func foreignRoutesAreNotFound(component: Component, path: String) async throws {
        let answer = try await withServer(component: component) { api, _ in
            try await fetch("https://localhost:\(api)\(path)", tls: Self.tls.get())
        }
        #expect(answer.status == 404)
        #expect(answer.json?["status"] as? String == "FAILURE")
        #expect(answer.json?["reason"] as? String == "NotFound")
    }

    @Test(
        "an invalid body is a 400 with a JSON body naming the problem, never a crash",
        arguments: [
            ("{not json", "malformed body"),
            (#"{"taskManagers":"three"}"#, "taskManagers"),
            (#"{}"#, "taskManagers"),
        ])
    func invalidBody(body: String, named: String) async throws {
        let answer = try await withServer { api, _ in
            try await fetch("https://localhost:\(api)/api/v1/clusters/demo/scale", method: .PUT, body: body, tls: Self.tls.get())
        }
        #expect(answer.status == 400)
        #expect(answer.json?["status"] as? String == "FAILURE")
        #expect(answer.json?["reason"] as? String == "BadRequest")
        #expect((answer.json?["error"] as? String)?.contains(named) == true, "\(answer.body)")
    }

    @Test("a known path asked with another method is 405 with Allow and a JSON body")
    func methodNotAllowed() async throws {
        let answer = try await withServer { api, _ in
            try await fetch("https://localhost:\(api)/api/v1/clusters/demo/status", method: .PATCH, tls: Self.tls.get())
        }
        #expect(answer.status == 405)
        #expect(answer.json?["status"] as? String == "FAILURE")
        #expect((answer.json?["error"] as? String)?.contains("GET") == true)
    }
}
