import Foundation
import KubeClient
import Synchronization
import TestSupport
import Testing

/// Keys a reflector reported, in order.
final class ChangeLog: Sendable {
    private let keys = Mutex<[ObjectKey]>([])
    func record(_ key: ObjectKey) { keys.withLock { $0.append(key) } }
    var all: [ObjectKey] { keys.withLock { $0 } }
}

@Suite("KubeClient against localkube: watches and the reflector", .serialized)
struct KubeClientWatchTests {
    @Test("a watch from a list's resourceVersion sees later changes, in order, and bookmarks on a quiet stream")
    func watchFromResourceVersion() async throws {
        try await withLocalKube { _, client in
            _ = try await client.create(configMap("before", data: [:]))
            let list = try await client.list(ConfigMap.self)
            let options = WatchOptions(namespace: "default", resourceVersion: list.metadata.resourceVersion)
            let stream = client.watch(ConfigMap.self, options: options)
            _ = try await client.create(configMap("after", data: ["a": "1"]))
            _ = try await client.patch(ConfigMap.self, name: "after", patch: .merge(["data": ["a": "2"]]))
            try await client.delete(ConfigMap.self, name: "after")
            var seen: [String] = []
            var bookmark = false
            for try await event in stream {
                if event.type == .bookmark {
                    bookmark = true
                } else {
                    seen.append("\(event.type.rawValue) \(event.object?.metadata.name ?? "") \(event.object?.data?["a"] ?? "")")
                }
                if seen.count == 3 && bookmark { break }
            }
            #expect(seen == ["ADDED after 1", "MODIFIED after 2", "DELETED after 2"])
        }
    }

    @Test("sixteen watches at once all stream: a watch holds its HTTP/1.1 connection, so none may wait for a free one")
    func manyConcurrentWatches() async throws {
        // An operator managing several namespaces runs six watches per namespace; with AsyncHTTPClient's default pool
        // (8 connections per host) the ninth waited for one of the others to end, and its namespace went unwatched.
        try await withLocalKube { _, client in
            let list = try await client.list(ConfigMap.self)
            let options = WatchOptions(namespace: "default", resourceVersion: list.metadata.resourceVersion)
            let delivered = ChangeLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        // Each watch stays open after the event (as a reflector's does) until the group is cancelled.
                        for try await event in client.watch(ConfigMap.self, options: options) where event.object?.metadata.name == "ping" {
                            delivered.record(ObjectKey(namespace: "default", name: "ping"))
                        }
                    }
                }
                _ = try await client.create(configMap("ping", data: [:]))
                let all = await eventually(within: 20) { delivered.all.count == 16 }
                #expect(all, "\(delivered.all.count) of 16 watches delivered the new ConfigMap")
                group.cancelAll()
            }
        }
    }

    @Test("a watch from an expired resourceVersion fails with gone")
    func expiredWatch() async throws {
        try await withLocalKube { server, client in
            let list = try await client.list(ConfigMap.self)
            _ = try await client.create(configMap("x", data: [:]))
            try server.admin("POST", "compact")
            let options = WatchOptions(namespace: "default", resourceVersion: list.metadata.resourceVersion)
            await expectKind(.gone) { for try await _ in client.watch(ConfigMap.self, options: options) {} }
        }
    }

    @Test("the reflector keeps its store in sync through dropped watches and expiry, reporting every changed key")
    func reflectorRecovers() async throws {
        try await withLocalKube { server, client in
            let changes = ChangeLog()
            let reflector = Reflector<ConfigMap>(
                client: client, namespace: "default", logger: testLogger,
                backoff: Backoff(base: .milliseconds(50), cap: .milliseconds(200)), onChange: changes.record
            )
            let running = Task { try await reflector.run() }
            defer { running.cancel() }
            #expect(await eventually { reflector.store.hasSynced })

            _ = try await client.create(configMap("one", data: ["v": "1"]))
            #expect(await eventually { reflector.store.get(ObjectKey(namespace: "default", name: "one"))?.data == ["v": "1"] })

            // The server drops the watch after one event: the reflector resumes from the last resourceVersion.
            try server.admin("POST", "faults", json: #"{"watch":true,"path":"configmaps","action":{"dropWatchAfterEvents":1},"times":1}"#)
            _ = try await client.patch(ConfigMap.self, name: "one", patch: .merge(["data": ["v": "2"]]))
            _ = try await client.create(configMap("two", data: [:]))
            #expect(await eventually { reflector.store.list().count == 2 })
            #expect(reflector.store.get(ObjectKey(namespace: "default", name: "one"))?.data == ["v": "2"])

            // History compacted while a watch is broken: the resume gets 410, the reflector lists again.
            try server.admin("POST", "faults", json: #"{"watch":true,"path":"configmaps","action":{"status":500,"message":"down"},"times":3}"#)
            try server.admin("POST", "faults", json: #"{"watch":true,"path":"configmaps","action":{"dropWatchAfterEvents":0},"times":1}"#)
            try await client.delete(ConfigMap.self, name: "two")
            try server.admin("POST", "compact")
            #expect(await eventually { reflector.store.list().map(\.metadata.name) == ["one"] })
            #expect(changes.all.contains(ObjectKey(namespace: "default", name: "two")))
        }
    }

    @Test("a reflector with an object callback hands over each changed object, and the last one seen after a delete")
    func reflectorHandsOverObjects() async throws {
        try await withLocalKube { _, client in
            let seen = Mutex<[String]>([])
            let reflector = Reflector<ConfigMap>(client: client, namespace: "default", logger: testLogger) { (map: ConfigMap) in
                seen.withLock { $0.append("\(map.metadata.name ?? "")=\(map.data?["v"] ?? "")") }
            }
            let running = Task { try await reflector.run() }
            defer { running.cancel() }
            #expect(await eventually { reflector.store.hasSynced })
            _ = try await client.create(configMap("one", data: ["v": "1"]))
            _ = try await client.patch(ConfigMap.self, name: "one", patch: .merge(["data": ["v": "2"]]))
            try await client.delete(ConfigMap.self, name: "one")
            #expect(await eventually { seen.withLock { $0 } == ["one=1", "one=2", "one=2"] })
        }
    }
}
