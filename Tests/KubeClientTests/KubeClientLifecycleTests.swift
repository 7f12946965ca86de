import Foundation
import KubeClient
import Synchronization
import TestSupport
import Testing

@Suite("KubeClient against localkube: deletion, security, leader election", .serialized)
struct KubeClientLifecycleTests {
    @Test("a finalizer holds a deleted object until it is removed; owners' deletion cascades to dependents")
    func finalizersAndGarbageCollection() async throws {
        try await withLocalKube { _, client in
            var owner = configMap("owner", data: [:])
            owner.metadata.finalizers = ["operator.nextbreakpoint.com"]
            owner = try await client.create(owner)
            var dependent = configMap("dependent", data: [:])
            dependent.metadata.ownerReferences = [
                OwnerReference(apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid ?? "")
            ]
            _ = try await client.create(dependent)

            try await client.delete(ConfigMap.self, name: "owner", propagation: .foreground)
            let deleting = try await client.get(ConfigMap.self, name: "owner")
            #expect(deleting.metadata.isDeleting)
            #expect(try await eventually { try await client.getIfPresent(ConfigMap.self, name: "dependent") == nil })
            #expect(try await client.getIfPresent(ConfigMap.self, name: "owner") != nil)

            _ = try await client.patch(
                ConfigMap.self, name: "owner",
                patch: .json([
                    JSONPatchOperation(op: "test", path: "/metadata/finalizers/0", value: "operator.nextbreakpoint.com"),
                    JSONPatchOperation(op: "remove", path: "/metadata/finalizers/0"),
                ]))
            #expect(try await eventually { try await client.getIfPresent(ConfigMap.self, name: "owner") == nil })
        }
    }

    @Test("client certificates from the kubeconfig authenticate over TLS")
    func tlsClientCertificate() async throws {
        try await withLocalKube(tls: true) { server, client in
            #expect(server.url.hasPrefix("https://"))
            _ = try await client.create(configMap("secure", data: [:]))
            var anonymous = client.configuration
            anonymous.clientCertificate = nil
            anonymous.clientKey = nil
            let stranger = try KubeClient(configuration: anonymous)
            defer { Task { try? await stranger.shutdown() } }
            do {
                _ = try await stranger.get(ConfigMap.self, name: "secure")
                Issue.record("a client without a certificate was served")
            } catch let error as KubeError {
                #expect(error.kind == .transport || error.kind == .unauthorized)
            }
        }
    }

    @Test("a bearer token from the kubeconfig authenticates; a wrong one is unauthorized")
    func bearerToken() async throws {
        try await withLocalKube(token: "s3cret") { _, client in
            _ = try await client.create(configMap("tokened", data: [:]))
            var wrong = client.configuration
            wrong.token = "guess"
            let stranger = try KubeClient(configuration: wrong)
            await expectKind(.unauthorized) { _ = try await stranger.get(ConfigMap.self, name: "tokened") }
            try await stranger.shutdown()
        }
    }

    @Test(
        "two candidates never lead at once; a successor takes over within the lease duration after the leader dies, at once after it resigns",
        arguments: [false, true])
    func leaderElection(resign: Bool) async throws {
        try await withLocalKube { _, client in
            let timing = LeaderElectionTiming(leaseDuration: .seconds(2), renewDeadline: .milliseconds(1500), retryPeriod: .milliseconds(200))
            let timeline = LeadershipTimeline()
            func candidate(_ name: String) -> (LeaderElector, Task<Void, any Error>) {
                let elector = LeaderElector(client: client, name: "operator", namespace: "default", identity: name, timing: timing, logger: testLogger)
                let task = Task {
                    try await elector.run(releaseOnCancel: resign) {
                        timeline.started(name)
                        defer { timeline.stopped(name) }
                        while !Task.isCancelled { try await Task.sleep(for: .milliseconds(50)) }
                    }
                }
                return (elector, task)
            }
            let (first, firstTask) = candidate("a")
            #expect(await eventually { first.isLeader })
            let (second, secondTask) = candidate("b")
            defer { secondTask.cancel() }
            try await Task.sleep(for: .seconds(3))
            #expect(first.isLeader && !second.isLeader)

            // The leader stops renewing at once: without resigning it leaves a live lease behind (as a crash does).
            let stopped = Date()
            firstTask.cancel()
            #expect(await eventually(within: 6) { second.isLeader })
            let takeover = Date().timeIntervalSince(stopped)
            // Bound: the lease duration counted from when the successor saw the last renewal (up to one retry period
            // after it), plus one retry period of its polling, plus scheduling slack.
            #expect(takeover <= (resign ? 0.2 : 2.0 + 0.2) + 0.2 + 0.3, "took over after \(takeover) s")
            #expect(!timeline.overlapped, "\(timeline.intervals)")
        }
    }
}

/// When each candidate led.
final class LeadershipTimeline: Sendable {
    private let state = Mutex<[(name: String, start: Date, end: Date?)]>([])
    func started(_ name: String) { state.withLock { $0.append((name, Date(), nil)) } }
    func stopped(_ name: String) {
        state.withLock { intervals in
            if let index = intervals.lastIndex(where: { $0.name == name && $0.end == nil }) { intervals[index].end = Date() }
        }
    }
    var intervals: [(name: String, start: Date, end: Date?)] { state.withLock { $0 } }
    /// Whether two candidates' leadership intervals overlap.
    var overlapped: Bool {
        let all = intervals
        for (i, a) in all.enumerated() {
            for b in all[(i + 1)...] where a.name != b.name {
                if a.start < (b.end ?? .distantFuture) && b.start < (a.end ?? .distantFuture) { return true }
            }
        }
        return false
    }
}
