import Foundation
import NIOCore
import Testing
import ToolboxAPI

@testable import KubeClient

@Suite("Watch stream decoding")
struct WatchDecodingTests {
    static let pod =
        #"{"type":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","resourceVersion":"7"},"spec":{"containers":[]},"status":{"phase":"Running","podIP":"127.1.0.2"}}}"#

    @Test("lines split across chunks are reassembled")
    func splitting() {
        var splitter = WatchLineSplitter()
        let text = Self.pod + "\n" + #"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"9"}}}"# + "\n"
        let middle = text.index(text.startIndex, offsetBy: 40)
        #expect(splitter.append(ByteBuffer(string: String(text[..<middle]))).isEmpty)
        let lines = splitter.append(ByteBuffer(string: String(text[middle...])))
        #expect(lines.count == 2)
    }

    @Test("a chunk of many lines gives each line whole, skips blank ones and keeps the unfinished rest")
    func manyLinesInOneChunk() {
        var splitter = WatchLineSplitter()
        let events = (1...50).map { #"{"type":"MODIFIED","n":\#($0)}"# }
        let chunk = events.joined(separator: "\n") + "\n \r\n\n" + #"{"type":"ADD"#
        let lines = splitter.append(ByteBuffer(string: chunk))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == events)
        let rest = splitter.append(ByteBuffer(string: #"ED","n":51}"# + "\r\n"))
        #expect(rest.map { String(decoding: $0, as: UTF8.self) } == [#"{"type":"ADDED","n":51}"# + "\r"])
    }

    @Test("an object event decodes with its resourceVersion; a bookmark carries only a resourceVersion")
    func objectsAndBookmarks() throws {
        let added = try WatchEventDecoder.decode(Pod.self, line: Data(Self.pod.utf8))
        #expect(added.type == .added)
        #expect(added.object?.status?.podIP == "127.1.0.2")
        #expect(added.resourceVersion == "7")
        let bookmark = try WatchEventDecoder.decode(
            Pod.self, line: Data(#"{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"9"}}}"#.utf8)
        )
        #expect(bookmark.type == .bookmark)
        #expect(bookmark.object == nil)
        #expect(bookmark.resourceVersion == "9")
    }

    @Test("an ERROR event with code 410 is thrown as gone")
    func expired() {
        let line =
            #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version","reason":"Expired","code":410}}"#
        do {
            _ = try WatchEventDecoder.decode(Pod.self, line: Data(line.utf8))
            Issue.record("expected an error")
        } catch let error as KubeError {
            #expect(error.kind == .gone)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("an object that does not decode is reported with its key, not thrown")
    func undecodable() throws {
        let line =
            #"{"type":"MODIFIED","object":{"apiVersion":"nextbreakpoint.com/v1","kind":"FlinkCluster","metadata":{"name":"demo","namespace":"ns","resourceVersion":"12"},"spec":{"runtime":42}}}"#
        let event = try WatchEventDecoder.decode(FlinkCluster.self, line: Data(line.utf8))
        #expect(event.object == nil)
        #expect(event.failure?.key == ObjectKey(namespace: "ns", name: "demo"))
        #expect(event.resourceVersion == "12")
    }
}

@Suite("Object store")
struct ObjectStoreTests {
    static func pod(_ name: String, _ version: String) -> Pod {
        var metadata = ObjectMeta(name: name, namespace: "ns")
        metadata.resourceVersion = version
        return Pod(metadata: metadata, spec: nil)
    }

    @Test("replacing reports exactly the added, changed and removed keys")
    func replaceReportsChanges() {
        let store = ObjectStore<Pod>()
        #expect(!store.hasSynced)
        _ = store.replace(with: [Self.pod("a", "1"), Self.pod("b", "1")], resourceVersion: "1")
        let changed = store.replace(with: [Self.pod("a", "1"), Self.pod("b", "2"), Self.pod("c", "2")], resourceVersion: "2")
        #expect(changed == [ObjectKey(namespace: "ns", name: "b"), ObjectKey(namespace: "ns", name: "c")])
        let removed = store.replace(with: [Self.pod("a", "1")], resourceVersion: "3")
        #expect(removed == [ObjectKey(namespace: "ns", name: "b"), ObjectKey(namespace: "ns", name: "c")])
        #expect(store.hasSynced)
        #expect(store.resourceVersion == "3")
    }

    @Test("a snapshot does not change when the store does")
    func snapshotIsImmutable() {
        let store = ObjectStore<Pod>()
        store.upsert(Self.pod("a", "1"))
        let snapshot = store.snapshot()
        store.remove(Self.pod("a", "2"))
        #expect(snapshot.count == 1)
        #expect(store.list().isEmpty)
        #expect(store.resourceVersion == "2")
    }

    @Test("list and keys are in the order of namespace/name, across namespaces too")
    func listAndKeysAreSorted() {
        let store = ObjectStore<Pod>()
        let keys = [("a-x", "b"), ("a", "z"), ("a", "b-1"), ("a", "b"), ("b", "a")].map { ObjectKey(namespace: $0.0, name: $0.1) }
        for key in keys.shuffled() {
            var pod = Self.pod(key.name, "1")
            pod.metadata.namespace = key.namespace
            store.upsert(pod)
        }
        let expected = keys.sorted { $0.description < $1.description }
        #expect(store.keys() == expected)
        #expect(store.list().map { ObjectKey(namespace: $0.metadata.namespace, name: $0.metadata.name ?? "") } == expected)
        #expect(expected.map(\.description) == ["a-x/b", "a/b", "a/b-1", "a/z", "b/a"])
    }

    @Test("the index follows upserts, changes of the indexed value, removals and relists")
    func indexFollowsChanges() {
        func pod(_ name: String, _ group: String?) -> Pod {
            var pod = Self.pod(name, "1")
            pod.metadata.labels = group.map { ["group": $0] }
            return pod
        }
        let store = ObjectStore<Pod>(index: { pod in pod.metadata.labels?["group"].map { [$0] } ?? [] })
        func names(_ value: String) -> [String] { store.indexed(value).compactMap(\.metadata.name).sorted() }
        store.upsert(pod("a", "x"))
        store.upsert(pod("b", "x"))
        store.upsert(pod("c", nil))
        #expect(names("x") == ["a", "b"])
        store.upsert(pod("b", "y"))
        #expect(names("x") == ["a"] && names("y") == ["b"])
        store.remove(pod("a", "x"))
        #expect(names("x").isEmpty)
        _ = store.replace(with: [pod("d", "y"), pod("e", "x")], resourceVersion: "9")
        #expect(names("y") == ["d"] && names("x") == ["e"])
        #expect(ObjectStore<Pod>().indexed("x").isEmpty)
    }

    @Test("a list of one namespace replaces that namespace's objects and keeps the other namespaces'")
    func replaceInOneNamespace() {
        func pod(_ namespace: String, _ name: String, _ version: String) -> Pod {
            var pod = Self.pod(name, version)
            pod.metadata.namespace = namespace
            return pod
        }
        let store = ObjectStore<Pod>()
        _ = store.replace(with: [pod("a", "x", "1"), pod("a", "y", "1")], resourceVersion: "1", in: "a")
        // Synced for the namespaces listed so far only: the reconcile of "b" waits for b's own list.
        #expect(store.hasSynced(namespaces: ["a"]) && !store.hasSynced(namespaces: ["a", "b"]))
        _ = store.replace(with: [pod("b", "x", "2")], resourceVersion: "2", in: "b")
        #expect(store.hasSynced(namespaces: ["a", "b"]) && !store.hasSynced(namespaces: [nil]))
        #expect(store.keys().map(\.description) == ["a/x", "a/y", "b/x"])
        let changed = store.replace(with: [pod("a", "x", "3")], resourceVersion: "3", in: "a")
        #expect(changed == [ObjectKey(namespace: "a", name: "x"), ObjectKey(namespace: "a", name: "y")])
        #expect(store.keys().map(\.description) == ["a/x", "b/x"])
        // Without a namespace (one cluster-wide reflector) a list replaces everything.
        _ = store.replace(with: [pod("c", "z", "4")], resourceVersion: "4")
        #expect(store.keys().map(\.description) == ["c/z"])
    }

    @Test("a transform applies to what a relist and an upsert store, and the index sees the stored object")
    func transformAppliesToStoredObjects() {
        func pod(_ name: String, _ version: String) -> Pod {
            var pod = Self.pod(name, version)
            pod.metadata.labels = ["group": "x"]
            pod.spec = ["containers": [["name": "main", "image": "flink:2.3.0"]]]
            return pod
        }
        let store = ObjectStore<Pod>(
            index: { pod in pod.metadata.labels?["group"].map { [$0] } ?? [] },
            transform: { pod in
                var trimmed = pod
                trimmed.spec = [:]
                return trimmed
            })
        _ = store.replace(with: [pod("a", "1")], resourceVersion: "1")
        store.upsert(pod("b", "2"))
        #expect(store.list().map(\.spec) == [[:], [:]])
        #expect(store.indexed("x").count == 2)
        #expect(store.get(ObjectKey(namespace: "ns", name: "b"))?.metadata.resourceVersion == "2")
        // A relist of the same versions changes nothing, though what it lists still has its specs.
        #expect(store.replace(with: [pod("a", "1"), pod("b", "2")], resourceVersion: "2").isEmpty)
    }
}

@Suite("Resource paths and JSON")
struct ResourcePathTests {
    @Test("core, group and cluster-scoped paths")
    func paths() {
        #expect(Pod.resource.objectPath(name: "p", namespace: "ns", subresource: "log") == "/api/v1/namespaces/ns/pods/p/log")
        #expect(
            FlinkCluster.resource.objectPath(name: "c", namespace: "ns", subresource: "scale")
                == "/apis/nextbreakpoint.com/v1/namespaces/ns/flinkclusters/c/scale")
        #expect(Namespace.resource.objectPath(name: "ns", namespace: "ignored") == "/api/v1/namespaces/ns")
        #expect(Pod.resource.collectionPath(namespace: nil) == "/api/v1/pods")
    }

    @Test("JSON values round-trip, whole numbers stay integers")
    func jsonRoundTrip() throws {
        let value: JSONValue = ["a": 1, "b": [true, nil, "x"], "c": ["d": .number(1.5)]]
        let text = String(decoding: try KubeJSON.encoder.encode(value), as: UTF8.self)
        #expect(text == #"{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}"#)
        #expect(try KubeJSON.decoder.decode(JSONValue.self, from: Data(text.utf8)) == value)
    }

    @Test("a FlinkCluster decodes from the manual's shape and keeps status timestamps")
    func flinkCluster() throws {
        let json =
            #"{"apiVersion":"nextbreakpoint.com/v1","kind":"FlinkCluster","metadata":{"name":"demo"},"spec":{"runtime":{"image":"flink:1.20"},"jobManager":{"serviceMode":"ClusterIP"},"taskManager":{"taskSlots":2},"supervisor":{"image":"toolbox"}},"status":{"supervisorStatus":"Started","timestamp":"2026-11-25T12:00:00Z"}}"#
        let cluster = try KubeJSON.decoder.decode(FlinkCluster.self, from: Data(json.utf8))
        #expect(cluster.spec.taskManager.taskSlots == 2)
        #expect(cluster.status?.supervisorStatus == .started)
        let encoded = String(decoding: try KubeJSON.encoder.encode(cluster), as: UTF8.self)
        #expect(encoded.contains(#""timestamp":"2026-11-25T12:00:00Z""#))
    }
}
