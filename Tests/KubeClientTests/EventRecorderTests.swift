import Foundation
import Synchronization
import TestSupport
import Testing

@testable import KubeClient

@Suite("EventRecorder against localkube", .serialized)
struct EventRecorderTests {
    @Test("a repeated event bumps the count of one Event; another reason or message is another Event")
    func aggregation() async throws {
        try await withLocalKube { _, client in
            let recorder = EventRecorder(client: client, component: "test", logger: testLogger)
            let object = try await client.create(configMap("subject", data: [:]))
            await recorder.normal(object, reason: "Started", message: "went up")
            await recorder.normal(object, reason: "Started", message: "went up")
            await recorder.normal(object, reason: "Started", message: "went up")
            await recorder.warning(object, reason: "Failed", message: "went down")
            let events = try await client.list(Event.self).items
            let started = events.filter { $0.reason == "Started" }
            #expect(started.count == 1)
            #expect(started.first?.count == 3)
            #expect(started.first?.involvedObject.name == "subject")
            #expect(events.filter { $0.reason == "Failed" && $0.type == "Warning" }.count == 1)
        }
    }

    @Test("hundreds of distinct events are each recorded once (the aggregation table prunes without losing any)")
    func manyDistinctEvents() async throws {
        try await withLocalKube { _, client in
            let recorder = EventRecorder(client: client, component: "test", logger: testLogger)
            let object = try await client.create(configMap("subject", data: [:]))
            for index in 0..<300 { await recorder.normal(object, reason: "Step", message: "step \(index)") }
            await recorder.normal(object, reason: "Step", message: "step 299")
            let events = try await client.list(Event.self).items.filter { $0.reason == "Step" }
            #expect(events.count == 300)
            #expect(events.first { $0.message == "step 299" }?.count == 2)
        }
    }

    @Test("expired events are forgotten, and a table of recent ones is not scanned at every event")
    func expiredEventsAreForgotten() async throws {
        try await withLocalKube { _, client in
            let time = Mutex(Date(timeIntervalSince1970: 1_000_000))
            let recorder = EventRecorder(
                client: client, component: "test", logger: testLogger, aggregationWindow: 60, now: { time.withLock { $0 } }
            )
            let object = try await client.create(configMap("subject", data: [:]))
            for index in 0..<300 { await recorder.normal(object, reason: "Old", message: "old \(index)") }
            #expect(recorder.remembered == 300, "all recent: nothing to drop")
            time.withLock { $0 += 120 }
            for index in 0..<300 { await recorder.normal(object, reason: "New", message: "new \(index)") }
            #expect(recorder.remembered == 300, "the old ones expired and were dropped; the new ones are kept")
        }
    }
}
