import Foundation
import KubeClient
import TestSupport
import Testing
import ToolboxAPI

@Suite("KubeClient against localkube: objects", .serialized)
struct KubeClientCRUDTests {
    @Test("create, get, list by label, update, merge and JSON patch, delete")
    func configMapLifecycle() async throws {
        try await withLocalKube { _, client in
            let created = try await client.create(configMap("a", labels: ["app": "x"], data: ["k": "1"]))
            _ = try await client.create(configMap("b", labels: ["app": "y"], data: [:]))
            #expect(created.metadata.resourceVersion != nil)
            #expect(try await client.get(ConfigMap.self, name: "a").data == ["k": "1"])
            let listed = try await client.list(ConfigMap.self, labelSelector: "app=x")
            #expect(listed.items.map(\.metadata.name) == ["a"])

            var changed = created
            changed.data = ["k": "2"]
            let updated = try await client.update(changed)
            #expect(updated.data == ["k": "2"])

            let merged = try await client.patch(ConfigMap.self, name: "a", patch: .merge(["data": ["m": "3", "k": nil]]))
            #expect(merged.data == ["m": "3"])
            let patched = try await client.patch(
                ConfigMap.self, name: "a", patch: .json([JSONPatchOperation(op: "add", path: "/metadata/labels/extra", value: "yes")])
            )
            #expect(patched.metadata.labels?["extra"] == "yes")

            try await client.delete(ConfigMap.self, name: "a")
            #expect(try await client.getIfPresent(ConfigMap.self, name: "a") == nil)
        }
    }

    @Test("typed errors: already exists, stale resourceVersion, not found, failed JSON-patch test")
    func typedErrors() async throws {
        try await withLocalKube { _, client in
            let created = try await client.create(configMap("a", data: [:]))
            await expectKind(.alreadyExists) { _ = try await client.create(configMap("a", data: [:])) }
            _ = try await client.patch(ConfigMap.self, name: "a", patch: .merge(["data": ["x": "1"]]))
            await expectKind(.conflict) { _ = try await client.update(created) }
            await expectKind(.notFound) { _ = try await client.get(ConfigMap.self, name: "missing") }
            await expectKind(.conflict) {
                try await client.delete(ConfigMap.self, name: "a", preconditions: DeletePreconditions(resourceVersion: created.metadata.resourceVersion))
            }
            let failedTest = [JSONPatchOperation(op: "test", path: "/data/x", value: "2")]
            do {
                _ = try await client.patch(ConfigMap.self, name: "a", patch: .json(failedTest))
                Issue.record("expected the JSON-patch test to fail")
            } catch let error as KubeError {
                #expect(!error.isRetryable || error.kind == .conflict)
            }
        }
    }

    @Test("custom resources: status subresource, scale subresource, invalid field named")
    func customResources() async throws {
        try await withLocalKube(crds: true) { _, client in
            let spec = Components.Schemas.FlinkClusterSpec(
                taskManagers: 1, runtime: .init(image: "flink:1.20"), jobManager: .init(serviceMode: .clusterIP),
                taskManager: .init(taskSlots: 2), supervisor: .init(image: "toolbox:1.5.0")
            )
            let cluster = try await client.create(FlinkCluster(metadata: ObjectMeta(name: "demo", namespace: "default"), spec: spec))
            #expect(cluster.metadata.generation == 1)
            #expect(cluster.spec.maxTaskManagers == 32)  // defaulted by the CRD schema

            var withStatus = cluster
            withStatus.status = .init(resourceStatus: .updated, supervisorStatus: .started, labelSelector: "clusterName=demo", taskManagers: 1)
            let statusWritten = try await client.updateStatus(withStatus)
            #expect(statusWritten.status?.supervisorStatus == .started)
            #expect(statusWritten.metadata.generation == 1)

            let scale = try await client.scale(FlinkCluster.self, name: "demo", replicas: 3)
            #expect(scale.spec.replicas == 3)
            let scaled = try await client.get(FlinkCluster.self, name: "demo")
            #expect(scaled.spec.taskManagers == 3)
            #expect(scaled.metadata.generation == 2)
            #expect(try await client.getScale(FlinkCluster.self, name: "demo").status?.selector == "clusterName=demo")

            do {
                _ = try await client.patch(FlinkCluster.self, name: "demo", patch: .merge(["spec": ["runtime": ["pullPolicy": "Sometimes"]]]))
                Issue.record("expected 422")
            } catch let error as KubeError {
                #expect(error.kind == .invalid)
                #expect(error.message.contains("pullPolicy") || error.invalidFields.contains { $0.contains("pullPolicy") })
            }
        }
    }

    @Test("writes whose answer is not read take effect, and fail with the same typed errors")
    func unreadWrites() async throws {
        try await withLocalKube(crds: true) { _, client in
            try await client.createUnread(configMap("a", data: ["k": "1"]))
            #expect(try await client.get(ConfigMap.self, name: "a").data == ["k": "1"])
            await expectKind(.alreadyExists) { try await client.createUnread(configMap("a", data: [:])) }
            try await client.patchUnread(ConfigMap.self, name: "a", namespace: nil, patch: .merge(["data": ["k": "2"]]), subresource: nil)
            var stored = try await client.get(ConfigMap.self, name: "a")
            #expect(stored.data == ["k": "2"])
            stored.data = ["k": "3"]
            try await client.updateUnread(stored)
            #expect(try await client.get(ConfigMap.self, name: "a").data == ["k": "3"])
            await expectKind(.conflict) { try await client.updateUnread(stored) }  // its resourceVersion is stale now

            let spec = Components.Schemas.FlinkClusterSpec(
                taskManagers: 1, runtime: .init(image: "flink:1.20"), jobManager: .init(serviceMode: .clusterIP),
                taskManager: .init(taskSlots: 2), supervisor: .init(image: "toolbox:1.5.0")
            )
            var cluster = try await client.create(FlinkCluster(metadata: ObjectMeta(name: "demo", namespace: "default"), spec: spec))
            cluster.status = .init(resourceStatus: .updated, supervisorStatus: .started)
            try await client.updateStatusUnread(cluster)
            #expect(try await client.get(FlinkCluster.self, name: "demo").status?.supervisorStatus == .started)
        }
    }

    @Test("server faults surface as retryable errors")
    func faults() async throws {
        try await withLocalKube { server, client in
            try server.admin(
                "POST", "faults", json: #"{"method":"GET","path":"/api/v1/namespaces/default/configmaps/a$","action":{"status":503,"message":"injected"}}"#)
            do {
                _ = try await client.get(ConfigMap.self, name: "a")
                Issue.record("expected the injected 503")
            } catch let error as KubeError {
                #expect(error.kind == .serverError)
                #expect(error.code == 503)
                #expect(error.isRetryable)
            }
            await expectKind(.notFound) { _ = try await client.get(ConfigMap.self, name: "a") }
        }
    }
}

/// Expects `body` to throw a `KubeError` of `kind`.
func expectKind(_ kind: KubeError.Kind, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(kind)", sourceLocation: sourceLocation)
    } catch let error as KubeError {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}
