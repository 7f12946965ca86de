import Foundation
import KubeClient
import TestSupport
import Testing

@Suite("The operator manages several namespaces", .serialized)
struct OperatorNamespacesTests {
    /// The supervisor Deployment of cluster `name` in `namespace`, if any.
    private static func supervisor(_ client: KubeClient, _ name: String, in namespace: String) async throws -> Deployment? {
        try await client.getIfPresent(Deployment.self, name: "supervisor-\(name)", namespace: namespace)
    }

    @Test("--namespaces team-a,team-b: same-named deployments in both get their own clusters, jobs and supervisors; team-c is left alone")
    func listedNamespaces() async throws {
        let harness = try await OperatorHarness.start(namespaces: ["team-a", "team-b", "team-c"], arguments: ["--namespaces", "team-a,team-b"])
        defer { Task { await harness.stop() } }
        let client = harness.client
        #expect(try await harness.api(.GET, "/deployments").status == 200)  // the cache is loaded
        for namespace in ["team-a", "team-b", "team-c"] { _ = try await client.create(try demoDeployment("demo", in: namespace)) }

        for namespace in ["team-a", "team-b"] {
            try #require(
                await harness.waitFor("the supervisor of \(namespace)/demo", within: 30) { try await Self.supervisor(client, "demo", in: namespace) != nil })
            let cluster = try await client.get(FlinkCluster.self, name: "demo", namespace: namespace)
            let owner = try await client.get(FlinkDeployment.self, name: "demo", namespace: namespace)
            #expect(cluster.metadata.ownerReferences?.first?.uid == owner.metadata.uid)
            let jobs = try await client.list(FlinkJob.self, namespace: namespace).items
            #expect(Set(jobs.compactMap(\.metadata.name)) == ["demo-a", "demo-b"])
            let supervisor = try #require(try await Self.supervisor(client, "demo", in: namespace))
            #expect(supervisor.metadata.ownerReferences?.first?.uid == cluster.metadata.uid)
            #expect(try await client.getIfPresent(KubeService.self, name: "supervisor-demo", namespace: namespace) != nil)
            await harness.waitFor("\(namespace)/demo's resourceStatus Updated") {
                try await client.get(FlinkDeployment.self, name: "demo", namespace: namespace).status?.resourceStatus == .updated
            }
        }
        // Nothing in the operator's own namespace, and nothing done in the unwatched one.
        #expect(try await client.list(FlinkCluster.self, namespace: "default").items.isEmpty)
        #expect(try await harness.api(.GET, "/deployments").json?["output"] as? String == "[]")
        let untouched = try await client.get(FlinkDeployment.self, name: "demo", namespace: "team-c")
        #expect(untouched.metadata.finalizers ?? [] == [])
        #expect(untouched.status == nil)
        #expect(try await client.list(FlinkCluster.self, namespace: "team-c").items.isEmpty)
        #expect(try await client.list(Deployment.self, namespace: "team-c").items.isEmpty)

        // The control plane serves any managed namespace by its `namespace` query parameter, its own one without.
        #expect(try await harness.api(.GET, "/deployments?namespace=team-b").json?["output"] as? String == #"["demo"]"#)
        #expect(try await harness.api(.GET, "/clusters/demo/jobs?namespace=team-a").json?["output"] as? String == #"["a","b"]"#)
        let unmanaged = try await harness.api(.GET, "/deployments?namespace=team-c")
        #expect(unmanaged.status == 404 && unmanaged.body.contains("namespace 'team-c' is not managed by this operator"), "\(unmanaged.body)")
        #expect(try await harness.api(.GET, "/deployments?namespace=Team_C").status == 400)
        #expect(try await harness.api(.GET, "/clusters/demo/status?namespace=default").status == 404)  // not in the own one

        // The gauges are per namespace.
        let metrics = try await harness.metrics(operator: 0)
        #expect(metrics.contains(#"flink_operator_cluster_status{namespace="team-a",status="Unknown"} 1"#))
        #expect(metrics.contains(#"flink_operator_job_status{namespace="team-b",status="Unknown"} 2"#))
        #expect(!metrics.contains(#"namespace="team-c""#))

        // Deleting the deployment of one namespace removes what it owns there and leaves the other intact.
        try await client.delete(FlinkDeployment.self, name: "demo", namespace: "team-a")
        await harness.waitFor("team-a's supervisor deleted", within: 20) { try await Self.supervisor(client, "demo", in: "team-a") == nil }
        await harness.waitFor("team-a's cluster deleted") { try await client.list(FlinkCluster.self, namespace: "team-a").items.isEmpty }
        #expect(try await Self.supervisor(client, "demo", in: "team-b") != nil)
        #expect(try await client.getIfPresent(FlinkCluster.self, name: "demo", namespace: "team-b") != nil)

        // Writes through the control plane land in the namespace asked for.
        #expect(try await harness.api(.POST, "/deployments/extra?namespace=team-b", body: demoDeploymentSpec).status == 200)
        #expect(try await client.getIfPresent(FlinkDeployment.self, name: "extra", namespace: "team-b") != nil)
        #expect(try await harness.api(.DELETE, "/deployments/extra?namespace=team-b").status == 200)
        await harness.waitFor("team-b/extra deleted", within: 20) {
            try await client.getIfPresent(FlinkDeployment.self, name: "extra", namespace: "team-b") == nil
        }
    }

    @Test("--all-namespaces: cluster-wide watches reach every namespace; the control plane serves its own by default")
    func allNamespaces() async throws {
        let harness = try await OperatorHarness.start(namespaces: ["team-a"], arguments: ["--all-namespaces"])
        defer { Task { await harness.stop() } }
        let client = harness.client
        #expect(try await harness.api(.POST, "/deployments/demo", body: demoDeploymentSpec).status == 200)
        _ = try await client.create(try demoDeployment("demo", in: "team-a"))
        for namespace in ["default", "team-a"] {
            await harness.waitFor("the supervisor of \(namespace)/demo") { try await Self.supervisor(client, "demo", in: namespace) != nil }
        }
        #expect(try await harness.api(.GET, "/deployments").json?["output"] as? String == #"["demo"]"#)
        #expect(try await harness.api(.GET, "/clusters/demo/jobs").json?["output"] as? String == #"["a","b"]"#)
    }

    @Test("--namespaces and --all-namespaces together, or an invalid namespace, stop the operator with a usage error")
    func conflictingOptions() async throws {
        let cases = [
            (["--namespaces", "a", "--all-namespaces"], "--namespaces and --all-namespaces exclude each other"),
            (["--namespaces", "a,Bad_Name"], "invalid namespace 'Bad_Name' in --namespaces"),
        ]
        for (arguments, message) in cases {
            let launched = try LaunchedExecutable.start("operator", ["--kube-config", "/nonexistent"] + arguments)
            #expect(await eventually { !launched.process.isRunning }, "\(arguments)")
            #expect(launched.process.terminationStatus == 64, "\(launched.output)")  // ArgumentParser's usage error
            #expect(launched.output.contains(message), "\(launched.output)")
        }
    }
}
