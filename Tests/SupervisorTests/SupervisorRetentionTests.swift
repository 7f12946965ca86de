import FlinkClient
import Foundation
import KubeModels
import SupervisorKit
import Testing
import ToolboxCore

/// Retention against the fakes: a savepoint beyond historyMaxCount is disposed through Flink after its entry was
/// stored in status.savepointDisposals; a failing disposal is retried every 60 s and given up after 5 attempts.
@Suite("Supervisor savepoint retention against fakes")
struct SupervisorRetentionTests {
    /// `demo-job` keeping 2 savepoints.
    static func job() -> FlinkJob {
        var job = SupervisorHarness.job()
        job.spec.savepoint.historyMaxCount = 2
        return job
    }

    /// TRIGGER_SAVEPOINT, then Flink completes it at `location`.
    static func savepoint(_ harness: SupervisorHarness, _ location: String) async throws {
        try harness.request("TRIGGER_SAVEPOINT")
        try await harness.pass()
        let trigger = try #require(harness.storedJob?.status?.savepointTriggerId)
        harness.flink.state.withLock { $0.savepoints[trigger] = .completed(location: location) }
        harness.advance(5)
        try await harness.settle()
    }

    @Test("the third savepoint expires the first: queued in status before Flink is asked, then disposed and removed")
    func disposesExpired() async throws {
        let harness = SupervisorHarness()
        try await harness.runningJob(Self.job())
        for index in 1...2 { try await Self.savepoint(harness, "file:///savepoints/sp-\(index)") }
        #expect(!harness.journal.lines.contains { $0.hasPrefix("flink dispose") })
        try harness.request("TRIGGER_SAVEPOINT")
        try await harness.pass()
        let trigger = try #require(harness.storedJob?.status?.savepointTriggerId)
        harness.flink.state.withLock { $0.savepoints[trigger] = .completed(location: "file:///savepoints/sp-3") }
        harness.advance(5)
        let mark = harness.journal.count
        try await harness.pass()
        let lines = harness.journal.lines(since: mark)
        #expect(lines.contains("flink dispose file:///savepoints/sp-1"))
        let written = harness.journal.all.suffix(from: mark).first { entry in
            guard entry.line.hasPrefix("status FlinkJob"), case .array(let queued) = entry.object?["status"]?["savepointDisposals"] else { return false }
            return queued.first?["savepoint"]?.stringValue == "file:///savepoints/sp-1"
        }
        #expect(written != nil, "the disposal was stored before Flink was asked")
        let writeIndex = try #require(lines.firstIndex { $0.hasPrefix("status FlinkJob") })
        let disposeIndex = try #require(lines.firstIndex(of: "flink dispose file:///savepoints/sp-1"))
        #expect(writeIndex < disposeIndex)
        #expect(harness.storedJob?.status?.savepointHistory?.map(\.path) == ["file:///savepoints/sp-3", "file:///savepoints/sp-2"])

        harness.advance(5)
        let settled = try await harness.settle()
        #expect(settled.contains("event Normal SavepointDisposed on FlinkJob demo-job"))
        #expect(harness.storedJob?.status?.savepointDisposals == nil)
        #expect(harness.journal.lines.filter { $0.hasPrefix("flink dispose") } == ["flink dispose file:///savepoints/sp-1"], "one request")
    }

    @Test("a disposal Flink fails is asked again every 60 s and given up after 5 attempts with a Warning")
    func givesUp() async throws {
        let harness = SupervisorHarness()
        harness.flink.state.withLock { $0.disposalAnswers["file:///savepoints/sp-1"] = .failed(cause: "java.io.IOException: denied") }
        try await harness.runningJob(Self.job())
        for index in 1...3 { try await Self.savepoint(harness, "file:///savepoints/sp-\(index)") }
        for _ in 1...4 {
            harness.advance(30)
            try await harness.settle()
            harness.advance(31)
            try await harness.settle()
        }
        let requests = harness.journal.lines.filter { $0 == "flink dispose file:///savepoints/sp-1" }
        #expect(requests.count == 5)
        harness.advance(61)
        let last = try await harness.settle()
        #expect(last.contains("event Warning SavepointDisposalFailed on FlinkJob demo-job"))
        #expect(harness.storedJob?.status?.savepointDisposals == nil)
        #expect(harness.journal.lines.filter { $0 == "flink dispose file:///savepoints/sp-1" }.count == 5)
    }
}
