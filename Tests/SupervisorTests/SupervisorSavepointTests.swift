import Foundation
import KubeModels
import SupervisorKit
import Testing
import ToolboxCore

/// A crash of the supervisor process right after a write reached the API server.
struct Crash: Error {}

/// Savepoints are written ahead: the trigger id is in status before Flink is asked, and a crash in between re-sends
/// that id.
@Suite("Supervisor savepoints against fakes")
struct SupervisorSavepointTests {
    @Test("TRIGGER_SAVEPOINT: the status carrying the trigger id is written before Flink is asked with that id")
    func writeAhead() async throws {
        let harness = SupervisorHarness()
        try await harness.runningJob()
        try harness.request("TRIGGER_SAVEPOINT")
        let lines = try await harness.pass()
        let trigger = try #require(harness.storedJob?.status?.savepointTriggerId)
        #expect(trigger.count == 32)
        #expect(
            lines == [
                "status FlinkJob demo-job Started", "patch FlinkJob demo-job annotations",
                "event Normal SavepointRequested on FlinkJob demo-job", "flink savepoint job-1 \(trigger)",
            ])
        let written = harness.journal.all.first {
            $0.line == "status FlinkJob demo-job Started" && $0.object?["status"]?["savepointTriggerId"]?.stringValue == trigger
        }
        #expect(written != nil)
        harness.flink.state.withLock { $0.savepoints[trigger] = .completed(location: "file:///savepoints/sp-1") }
        harness.advance(5)
        #expect(try await harness.pass() == ["status FlinkJob demo-job Started", "event Normal SavepointCompleted on FlinkJob demo-job"])
        #expect(harness.storedJob?.status?.savepointPath == "file:///savepoints/sp-1")
        #expect(harness.storedJob?.status?.savepointTriggerId == "")
    }

    @Test("a crash after the status write: the next supervisor sends the same trigger id, never a new one")
    func crashAfterStatusWrite() async throws {
        let harness = SupervisorHarness()
        try await harness.runningJob()
        try harness.request("TRIGGER_SAVEPOINT")
        harness.kube.afterWrite.withLock {
            $0 = { entry in
                if entry.line.hasPrefix("status FlinkJob"), entry.object?["status"]?["savepointTriggerId"]?.stringValue?.isEmpty == false {
                    throw Crash()
                }
            }
        }
        await #expect(throws: Crash.self) { try await harness.pass() }
        harness.kube.afterWrite.withLock { $0 = nil }
        let trigger = try #require(harness.storedJob?.status?.savepointTriggerId)
        #expect(!trigger.isEmpty)
        #expect(!harness.journal.lines.contains { $0.hasPrefix("flink savepoint") }, "Flink was never asked")

        harness.restart()
        harness.advance(5)
        let mark = harness.journal.count
        try await harness.settle()
        let calls = harness.journal.lines(since: mark).filter { $0.hasPrefix("flink") }
        #expect(calls == ["flink savepoint job-1 \(trigger)"])
        #expect(harness.storedJob?.status?.savepointTriggerId == trigger, "still following the same request")
    }
}
