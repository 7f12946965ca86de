import Foundation
import KubeClient
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

    @Test("a Flink that chooses trigger ids (before 1.15): written ahead, Flink's id adopted and followed, one savepoint")
    func flinkChosenTriggerId() async throws {
        let harness = SupervisorHarness()
        harness.flink.state.withLock {
            $0.flinkVersion = "1.12.5"
            $0.clientTriggerIds = false
        }
        try await harness.runningJob()
        try harness.request("TRIGGER_SAVEPOINT")
        let lines = try await harness.pass()
        let sent = harness.journal.all.compactMap { $0.object?["status"]?["savepointTriggerId"]?.stringValue }.first { $0.count == 32 }
        #expect(sent != nil, "our id was written ahead")
        #expect(harness.storedJob?.status?.savepointTriggerId == "flink-chosen-1")
        #expect(
            lines == [
                "status FlinkJob demo-job Started", "patch FlinkJob demo-job annotations",
                "event Normal SavepointRequested on FlinkJob demo-job", "flink savepoint job-1 flink-chosen-1",
                "status FlinkJob demo-job Started",
            ])
        harness.flink.state.withLock { $0.savepoints["flink-chosen-1"] = .completed(location: "file:///savepoints/sp-1") }
        harness.advance(5)
        #expect(try await harness.pass() == ["status FlinkJob demo-job Started", "event Normal SavepointCompleted on FlinkJob demo-job"])
        #expect(harness.storedJob?.status?.savepointPath == "file:///savepoints/sp-1")
        #expect(harness.journal.lines.filter { $0.hasPrefix("flink savepoint") }.count == 1)
    }

    @Test("a Flink that chooses trigger ids, and its id never stored (crash): never sent again, failed at the task timeout")
    func flinkChosenTriggerIdLost() async throws {
        let harness = SupervisorHarness(taskTimeout: 60)
        harness.flink.state.withLock {
            $0.flinkVersion = "1.12.5"
            $0.clientTriggerIds = false
        }
        try await harness.runningJob()
        try harness.request("TRIGGER_SAVEPOINT")
        let conflict = KubeError(kind: .conflict, code: 409, message: "the object has been modified")
        harness.kube.afterWrite.withLock {
            $0 = { [kube = harness.kube] entry in  // the write-ahead lands; the adoption after it does not
                if entry.line.hasPrefix("status FlinkJob"), entry.object?["status"]?["savepointTriggerId"]?.stringValue?.count == 32 {
                    kube.fail("status", FlinkJob.self, with: conflict)
                }
            }
        }
        let lines = try await harness.pass()
        #expect(lines.contains("flink savepoint job-1 flink-chosen-1"))
        #expect(lines.contains("event Warning SavepointTriggerNotAdopted on FlinkJob demo-job"))
        harness.kube.afterWrite.withLock { $0 = nil }
        harness.kube.fail("status", FlinkJob.self, with: nil)
        let sent = try #require(harness.storedJob?.status?.savepointTriggerId)
        #expect(sent.count == 32)

        harness.restart()
        var later: [String] = []
        for _ in 0..<14 {  // 70 s of passes: past the task timeout
            harness.advance(5)
            later += try await harness.pass()
        }
        #expect(!later.contains { $0.hasPrefix("flink savepoint") }, "the request Flink may hold was never sent again")
        #expect(later.contains("event Warning SavepointFailed on FlinkJob demo-job"))
        #expect(harness.storedJob?.status?.savepointTriggerId == "")
    }
}
