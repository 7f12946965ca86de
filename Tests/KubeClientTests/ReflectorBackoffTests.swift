import Foundation
import KubeClient
import Synchronization
import TestSupport
import Testing

/// The delays a reflector waited, recorded instead of slept.
final class SleepLog: Sendable {
    private let delays = Mutex<[Duration]>([])
    func sleep(_ delay: Duration) async throws {
        delays.withLock { $0.append(delay) }
        await Task.yield()
    }
    var all: [Duration] { delays.withLock { $0 } }
}

@Suite("Reflector backoff against localkube", .serialized)
struct ReflectorBackoffTests {
    @Test("failed lists and watches back off exponentially; 410 relists at once; a watch that delivered resets the count")
    func backoff() async throws {
        try await withLocalKube { server, client in
            // Scripted per call, tried in order: two forbidden lists; then watches: expired, failed, dropped after one
            // event and, on resume, failed.
            let faults = [
                #"{"method":"GET","watch":false,"path":"configmaps","action":{"status":403,"message":"no"},"times":2}"#,
                #"{"watch":true,"path":"configmaps","action":{"status":410,"message":"expired"},"times":1}"#,
                #"{"watch":true,"path":"configmaps","action":{"status":500,"message":"down"},"times":1}"#,
                #"{"watch":true,"path":"configmaps","action":{"dropWatchAfterEvents":1},"times":1}"#,
                #"{"watch":true,"path":"configmaps","action":{"status":503,"message":"busy"},"times":1}"#,
            ]
            for fault in faults { try server.admin("POST", "faults", json: fault) }
            let sleeps = SleepLog()
            let reflector = Reflector<ConfigMap>(
                client: client, namespace: "default", logger: testLogger,
                backoff: Backoff(base: .milliseconds(10), cap: .milliseconds(30), random: { 0 }), sleep: sleeps.sleep,
                onChange: { _ in }
            )
            let running = Task { try await reflector.run() }

            // 403, 403 (lists), 410 (no wait), 500 (a watch that delivered nothing: the count goes on, and is capped).
            #expect(await eventually { sleeps.all.count == 3 && reflector.store.hasSynced })
            #expect(sleeps.all == [.milliseconds(10), .milliseconds(20), .milliseconds(30)])

            // The next watch (it has begun once the drop rule was hit) delivers this change, is dropped, and its resume
            // fails: the count starts again.
            #expect(try await eventually { try dropRuleHits(server) == 1 })
            _ = try await client.create(configMap("one", data: [:]))
            #expect(await eventually { sleeps.all.count == 4 })
            #expect(sleeps.all.last == .milliseconds(10))
            #expect(await eventually { reflector.store.get(ObjectKey(namespace: "default", name: "one")) != nil })

            // With the faults used up the reflector follows changes without waiting again.
            _ = try await client.create(configMap("two", data: [:]))
            #expect(await eventually { reflector.store.list().count == 2 })
            #expect(sleeps.all.count == 4)
            running.cancel()
            _ = await running.result
        }
    }
}

/// How often the `dropWatchAfterEvents` fault rule was applied.
private func dropRuleHits(_ server: LocalKubeServer) throws -> Int {
    let answer = try JSONSerialization.jsonObject(with: Data(try server.admin("GET", "faults").utf8)) as? [String: Any]
    let rules = answer?["items"] as? [[String: Any]] ?? []
    let drop = rules.first { ($0["action"] as? [String: Any])?["dropWatchAfterEvents"] != nil }
    return drop?["hits"] as? Int ?? 0
}
