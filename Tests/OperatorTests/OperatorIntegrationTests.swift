import Foundation
import KubeClient
import TestSupport
import Testing

@Suite("Operator against localkube", .serialized)
struct OperatorIntegrationTests {
    @Test("a deployment posted to the control plane becomes a cluster, its jobs and a supervisor; at rest the operator writes nothing")
    func deploymentLifecycle() async throws {
        let harness = try await OperatorHarness.start()
        defer { Task { await harness.stop() } }
        let created = try await harness.api(.POST, "/deployments/demo", body: demoDeploymentSpec)
        #expect(created.status == 200, "\(created.body)")
        #expect(created.json?["status"] as? String == "OK")

        let client = harness.client
        await harness.waitFor { try await client.getIfPresent(FlinkCluster.self, name: "demo") != nil }
        await harness.waitFor { try await client.list(FlinkJob.self).items.count == 2 }
        await harness.waitFor { try await client.getIfPresent(Deployment.self, name: "supervisor-demo") != nil }
        await harness.waitFor { try await client.getIfPresent(KubeService.self, name: "supervisor-demo") != nil }
        let cluster = try await client.get(FlinkCluster.self, name: "demo")
        #expect(cluster.metadata.ownerReferences?.first?.kind == "FlinkDeployment")
        #expect(cluster.metadata.hasFinalizer("operator.nextbreakpoint.com"))
        let jobs = try await client.list(FlinkJob.self).items
        #expect(Set(jobs.compactMap(\.metadata.name)) == ["demo-a", "demo-b"])
        #expect(jobs.allSatisfy { $0.spec.clusterName == "demo" })

        // The status of the deployment settles with conditions and the digests.
        await harness.waitFor("the deployment's status Updated with two job digests") {
            let deployment = try await client.get(FlinkDeployment.self, name: "demo")
            return deployment.status?.resourceStatus == .updated && deployment.status?.digest?.jobs?.count == 2
        }
        let status = try await harness.api(.GET, "/deployments/demo/status")
        let output = try #require(status.json?["output"] as? String)
        #expect(output.contains("\"resourceStatus\":\"Updated\""))
        #expect(try await harness.api(.GET, "/clusters/demo/jobs").json?["output"] as? String == #"["a","b"]"#)

        // The metrics carry the original's gauges and the reconcile and API request counts, and pass promtool.
        let metrics = try await harness.metrics(operator: 0)
        #expect(metrics.contains(#"flink_operator_cluster_status{namespace="default",status="Unknown"} 1"#))
        #expect(metrics.contains(#"flink_operator_job_status{namespace="default",status="Unknown"} 2"#))
        #expect(metrics.contains("toolbox_reconcile_total{kind=\"FlinkDeployment\",result=\"success\"}"))
        #expect(metrics.contains("toolbox_kube_requests_total{verb=\"POST\",code=\"201\"}"))
        #expect(metrics.contains(#"toolbox_kube_request_duration_seconds_count{verb="POST",resource="flinkclusters",code="201"} 1"#))
        #expect(metrics.contains(#"flink_operator_degraded{namespace="default",kind="FlinkCluster"} 0"#))
        #expect(metrics.contains("toolbox_workqueue_adds_total "))
        #expect(metrics.contains("toolbox_workqueue_queue_duration_seconds_count "))
        let promtool = runTool(["promtool", "check", "metrics"], standardInput: metrics)
        #expect(promtool.status == 0, "\(promtool.output)")

        // At rest: no write at all over a quiet period.
        try await Task.sleep(for: .seconds(1))
        try harness.kube.admin("POST", "stats/reset")
        try await Task.sleep(for: .seconds(3))
        #expect(try harness.writesExceptLeases() == [:])

        // A FlinkCluster whose Degraded condition turns True is counted, and no longer once it clears.
        func degraded(_ status: String) async throws {
            let condition: JSONValue = [
                "type": "Degraded", "status": .string(status), "reason": "Test", "message": "set by the test", "lastTransitionTime": "2030-01-01T00:00:00Z",
            ]
            _ = try await client.patch(FlinkCluster.self, name: "demo", patch: .merge(["status": ["conditions": [condition]]]), subresource: "status")
        }
        try await degraded("True")
        await harness.waitFor { try await harness.metrics(operator: 0).contains(#"flink_operator_degraded{namespace="default",kind="FlinkCluster"} 1"#) }
        try await degraded("False")
        await harness.waitFor { try await harness.metrics(operator: 0).contains(#"flink_operator_degraded{namespace="default",kind="FlinkCluster"} 0"#) }

        // A change to the deployment propagates to the cluster within moments.
        _ = try await client.patch(FlinkDeployment.self, name: "demo", patch: .merge(["spec": ["cluster": ["runtime": ["image": "flink:1.20.5"]]]]))
        await harness.waitFor { try await client.get(FlinkCluster.self, name: "demo").spec.runtime.image == "flink:1.20.5" }

        // Deleting the deployment leaves nothing behind.
        #expect(try await harness.api(.DELETE, "/deployments/demo").status == 200)
        await harness.waitFor("nothing left behind", within: 20) {
            let left = try await (
                client.list(FlinkDeployment.self).items.count, client.list(FlinkCluster.self).items.count,
                client.list(FlinkJob.self).items.count, client.list(Deployment.self).items.count
            )
            return left == (0, 0, 0, 0)
        }
        await harness.waitFor { try await client.getIfPresent(KubeService.self, name: "supervisor-demo") == nil }
    }

    @Test("control plane errors: unknown names are 404, bad names and bodies 400, duplicates 409, each with a JSON body")
    func controlPlaneErrors() async throws {
        let harness = try await OperatorHarness.start()
        defer { Task { await harness.stop() } }
        let missing = try await harness.api(.GET, "/clusters/nope/status")
        #expect(missing.status == 404)
        #expect(missing.json?["reason"] as? String == "NotFound")
        #expect(try await harness.api(.GET, "/deployments/Bad_Name/status").status == 400)
        #expect(try await harness.api(.POST, "/deployments/demo", body: #"{"cluster":{"runtime":{}}}"#).status == 400)
        let badEnum = try await harness.api(.POST, "/deployments/demo", body: demoDeploymentSpec.replacingOccurrences(of: "ClusterIP", with: "Sideways"))
        #expect(badEnum.status == 400)
        #expect((badEnum.json?["error"] as? String)?.contains("serviceMode") == true, "\(badEnum.body)")
        #expect(try await harness.api(.POST, "/deployments/demo", body: demoDeploymentSpec).status == 200)
        #expect(try await harness.api(.POST, "/deployments/demo", body: demoDeploymentSpec).status == 409)
        #expect(try await harness.api(.PUT, "/clusters/nope/scale", body: #"{"taskManagers":2}"#).status == 404)
        #expect(try await harness.api(.PUT, "/clusters/demo/scale", body: #"{"taskManagers":-1}"#).status == 400)
    }

    @Test("start, stop, savepoint and scale requests become annotations and scale-subresource writes")
    func commands() async throws {
        let harness = try await OperatorHarness.start()
        defer { Task { await harness.stop() } }
        let client = harness.client
        #expect(try await harness.api(.POST, "/deployments/demo", body: demoDeploymentSpec).status == 200)
        await harness.waitFor { try await client.list(FlinkJob.self).items.count == 2 }
        await harness.waitFor { try await harness.api(.GET, "/clusters/demo/jobs/a/status").status == 200 }

        #expect(try await harness.api(.PUT, "/clusters/demo/stop", body: #"{"withoutSavepoint":true}"#).status == 200)
        let stopped = try await client.get(FlinkCluster.self, name: "demo").metadata.annotations ?? [:]
        #expect(stopped["operator.nextbreakpoint.com/requested-action"] == "STOP")
        #expect(stopped["operator.nextbreakpoint.com/without-savepoint"] == "true")

        // The manual's `curl -XPUT -d '{...}'` declares a form body: JSON is taken as JSON whatever the Content-Type.
        let form = "application/x-www-form-urlencoded"
        #expect(try await harness.api(.PUT, "/clusters/demo/start", body: #"{"withoutSavepoint":false}"#, contentType: form).status == 200)
        let started = try await client.get(FlinkCluster.self, name: "demo").metadata.annotations ?? [:]
        #expect(started["operator.nextbreakpoint.com/requested-action"] == "START")
        #expect(started["operator.nextbreakpoint.com/without-savepoint"] == "false")
        let notJSON = try await harness.api(.PUT, "/clusters/demo/stop", body: "withoutSavepoint=false", contentType: form)
        #expect(notJSON.status == 400)
        #expect(notJSON.body.contains("must be JSON (Content-Type application/x-www-form-urlencoded)"))
        #expect(try await harness.api(.PUT, "/clusters/demo/scale", body: #"{"taskManagers":2}"#, contentType: nil).status == 200)
        #expect(try await harness.api(.OPTIONS, "/").status == 204)

        #expect(try await harness.api(.PUT, "/clusters/demo/jobs/a/savepoint/trigger").status == 200)
        let job = try await client.get(FlinkJob.self, name: "demo-a").metadata.annotations ?? [:]
        #expect(job["operator.nextbreakpoint.com/requested-action"] == "TRIGGER_SAVEPOINT")

        #expect(try await harness.api(.PUT, "/clusters/demo/scale", body: #"{"taskManagers":3}"#).status == 200)
        #expect(try await client.get(FlinkCluster.self, name: "demo").spec.taskManagers == 3)
        #expect(try await harness.api(.PUT, "/clusters/demo/jobs/b/scale", body: #"{"parallelism":4}"#).status == 200)
        #expect(try await client.get(FlinkJob.self, name: "demo-b").spec.jobParallelism == 4)

        // Flink routes need the cluster's supervisor; none runs here.
        #expect(try await harness.api(.GET, "/clusters/demo/taskmanagers").status == 503)
    }

    @Test("two operators: only the leader reconciles; killing it hands over within the lease duration")
    func leaderElection() async throws {
        let harness = try await OperatorHarness.start(operators: 2)
        defer { Task { await harness.stop() } }
        func leads(_ index: Int) async -> Bool {
            (try? await harness.metrics(operator: index).contains("toolbox_leader 1.0")) ?? false
        }
        await harness.waitFor { await leads(0) != (await leads(1)) }
        let leader = await leads(0) ? 0 : 1
        let follower = 1 - leader
        #expect(try await harness.api(.POST, "/deployments/demo", body: demoDeploymentSpec, operator: follower).status == 200)
        await harness.waitFor { try await harness.client.list(FlinkJob.self).items.count == 2 }
        #expect(try await harness.metrics(operator: leader).contains("toolbox_reconcile_total"))
        #expect(try await !harness.metrics(operator: follower).contains("toolbox_reconcile_total"))

        kill(harness.operators[leader].process.processIdentifier, SIGKILL)
        let killed = Date()
        await harness.waitFor(within: 10) { await leads(follower) }
        let handover = Date().timeIntervalSince(killed)
        #expect(handover < 2 + 0.2 + 1.0, "handover took \(handover) s (lease 2 s, retry 0.2 s)")
        _ = try await harness.client.patch(FlinkDeployment.self, name: "demo", patch: .merge(["spec": ["cluster": ["runtime": ["image": "flink:1.20.5"]]]]))
        await harness.waitFor { try await harness.client.get(FlinkCluster.self, name: "demo").spec.runtime.image == "flink:1.20.5" }
    }
}
