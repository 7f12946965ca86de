import Foundation
import ServiceKit
import TestSupport
import Testing
import Yams

@Suite("Who may call what: x-toolbox-roles of the contract")
struct ContractAccessTests {
    @Test("the generated table is exactly the x-toolbox-roles of openapi/toolbox.yaml")
    func tableMatchesContract() throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("openapi/toolbox.yaml"), encoding: .utf8)
        let spec = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(spec["paths"] as? [String: Any])
        var declared: [String: Set<String>] = [:]
        for (path, item) in paths {
            for (method, value) in try #require(item as? [String: Any]) {
                guard let operation = value as? [String: Any], let tags = operation["tags"] as? [String] else { continue }
                let roles = operation["x-toolbox-roles"] as? [String]
                if tags.contains("monitoring") {
                    #expect(roles == nil, "\(method) \(path) is plain HTTP and admits everyone")
                    continue
                }
                let listed = try #require(roles, "\(method) \(path) declares no x-toolbox-roles")
                declared["\(method.uppercased()) \(path)"] = Set(listed)
            }
        }
        let table = Dictionary(
            uniqueKeysWithValues: ContractAccess.operations.map { ("\($0.method) \($0.path)", Set($0.roles.map(\.rawValue))) }
        )
        #expect(table == declared, "run `make access` (Tools/contract/accessgen.py)")
    }

    @Test(
        "roles per route class on the control plane, the supervisor and the bootstrap",
        arguments: [
            ("GET", "/api/v1/clusters", ["admin", "reader", "operator"]),
            ("GET", "/api/v1/cluster/demo/jobs/a/status", ["admin", "reader", "operator"]),
            ("POST", "/api/v1/clusters/demo", ["admin", "operator"]),
            ("PUT", "/api/v1/clusters/demo/jobs/a/savepoint/trigger", ["admin", "operator"]),
            ("DELETE", "/api/v1/deployments/demo", ["admin", "operator"]),
            ("GET", "/supervisor/v1/cluster/overview", ["operator"]),
            ("POST", "/supervisor/v1/reconcile", ["operator"]),
            ("POST", "/supervisor/v1/jobs/a/bootstrap-report", ["operator", "bootstrap"]),
            ("GET", "/bootstrap/v1/progress", ["operator", "supervisor"]),
        ]
    )
    func rolesPerRouteClass(method: String, path: String, admitted: [String]) {
        for role in PeerIdentity.Role.allCases {
            let decision = ContractAccess.decide(
                method: .init(method)!, path: path, identity: PeerIdentity(role: role), scope: nil
            )
            #expect((decision == .allow) == admitted.contains(role.rawValue), "\(role) \(method) \(path): \(decision)")
        }
    }

    @Test("every operation is found from a path of its own template, and the most specific template wins")
    func everyOperationIsFound() {
        for operation in ContractAccess.operations {
            let path = operation.path.replacingOccurrences(of: "{", with: "p-").replacingOccurrences(of: "}", with: "")
            let found = ContractAccess.table.operation(method: .init(operation.method)!, path: path)
            #expect(found?.operationId == operation.operationId, "\(operation.method) \(path) -> \(found?.operationId ?? "nothing")")
        }
        // A literal segment beats a parameter in the same position.
        let literal = ContractAccess.Table([
            .init("GET", "/x/{name}", "byName", [.admin]), .init("GET", "/x/all", "all", [.reader]),
        ])
        #expect(literal.operation(method: .get, path: "/x/all")?.operationId == "all")
        #expect(literal.operation(method: .get, path: "/x/one")?.operationId == "byName")
        #expect(literal.operation(method: .get, path: "/x/")?.operationId == nil, "a parameter is never empty")
        #expect(literal.operation(method: .post, path: "/x/all")?.operationId == nil)
        #expect(literal.operation(method: .get, path: "/x/all/more")?.operationId == nil)
    }

    @Test("a certificate without a role is refused; an unknown route is left to routing (404/405)")
    func noRoleAndUnlisted() {
        guard case .forbid(let message) = ContractAccess.decide(method: .get, path: "/api/v1/clusters", identity: nil, scope: nil) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(message.contains("names no toolbox role"))
        #expect(ContractAccess.decide(method: .get, path: "/api/v1/nowhere", identity: nil, scope: nil) == .unlisted)
        #expect(ContractAccess.decide(method: .patch, path: "/api/v1/clusters", identity: nil, scope: nil) == .unlisted)
    }

    @Test("an identity bound to a cluster is admitted only by that cluster's server")
    func clusterBoundIdentity() {
        let demo = ClusterScope(namespace: "flink-jobs", name: "demo")
        let other = ClusterScope(namespace: "flink-jobs", name: "other")
        let report = "/supervisor/v1/jobs/a/bootstrap-report"
        let bootstrap = PeerIdentity(role: .bootstrap, cluster: demo)
        #expect(ContractAccess.decide(method: .post, path: report, identity: bootstrap, scope: demo) == .allow)
        #expect(ContractAccess.decide(method: .post, path: report, identity: bootstrap, scope: other) != .allow)
        #expect(ContractAccess.decide(method: .post, path: report, identity: bootstrap, scope: nil) != .allow)
        #expect(ContractAccess.decide(method: .post, path: report, identity: PeerIdentity(role: .bootstrap), scope: other) == .allow)
    }

    @Test("identity URIs: role only, bound to a cluster, and anything else")
    func identityURIs() {
        #expect(PeerIdentity(uri: "spiffe://flink-k8s-toolbox/reader") == PeerIdentity(role: .reader))
        #expect(
            PeerIdentity(uri: "spiffe://flink-k8s-toolbox/ns/flink-jobs/cluster/demo/bootstrap")
                == PeerIdentity(role: .bootstrap, cluster: ClusterScope(namespace: "flink-jobs", name: "demo"))
        )
        for uri in [
            "spiffe://flink-k8s-toolbox/root", "spiffe://other/admin", "spiffe://flink-k8s-toolbox/ns//cluster/demo/bootstrap",
            "spiffe://flink-k8s-toolbox/admin/", "https://flink-k8s-toolbox/admin",
        ] {
            #expect(PeerIdentity(uri: uri) == nil, "\(uri)")
        }
        for role in PeerIdentity.Role.allCases {
            let identity = PeerIdentity(role: role, cluster: ClusterScope(namespace: "n", name: "c"))
            #expect(PeerIdentity(uri: identity.uri) == identity)
        }
    }
}
