import Foundation
import KubeClient
import KubeModels
import SupervisorKit
import Testing
import ToolboxCore

/// The value of the sample `name{labels}` in a Prometheus text exposition (`le` compared as a number), if present.
func sample(_ exposition: String, _ name: String, _ labels: [String: String]) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
        let series = line.prefix { $0 != " " }
        let metric = series.prefix { $0 != "{" }
        guard metric == name, let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
        var found: [String: String] = [:]
        for match in series.matches(of: /([a-zA-Z_]+)="([^"]*)"/) { found[String(match.1)] = String(match.2) }
        let same =
            found.keys.sorted() == labels.keys.sorted()
            && labels.allSatisfy { key, expected in
                key == "le" ? Double(found[key] ?? "") == Double(expected) : found[key] == expected
            }
        if same { return value }
    }
    return nil
}

@Suite("Supervisor metrics against fakes")
struct SupervisorMetricsTests {
    static let job = ["cluster": "demo", "flink_job": "demo-job"]

    /// `demo-job` with periodic savepoints every 600 s.
    static func periodicJob() -> FlinkJob {
        var job = SupervisorHarness.job()
        job.spec.savepoint.savepointInterval = 600
        return job
    }

    @Test("a savepoint of 90 s lands in the 120 s bucket, not the 60 s one; requests, results and the job's gauges follow")
    func savepointMetrics() async throws {
        let harness = SupervisorHarness()
        try await harness.runningJob(Self.periodicJob())
        let metrics = harness.controller.metrics.registry
        #expect(sample(metrics.exposition(), "flink_supervisor_job_running", Self.job) == 1)
        #expect(sample(metrics.exposition(), "flink_supervisor_savepoint_interval_seconds", Self.job) == 600)
        #expect(sample(metrics.exposition(), "flink_supervisor_savepoint_timestamp_seconds", Self.job) == nil, "no savepoint yet")

        try harness.request("TRIGGER_SAVEPOINT")
        try await harness.pass()
        let trigger = try #require(harness.storedJob?.status?.savepointTriggerId)
        harness.flink.state.withLock { $0.savepoints[trigger] = .completed(location: "file:///savepoints/sp-1") }
        harness.advance(90)
        try await harness.pass()

        let text = metrics.exposition()
        let completed = Self.job.merging(["result": "completed"]) { $1 }
        #expect(sample(text, "flink_supervisor_savepoint_requests_total", Self.job.merging(["stop": "false"]) { $1 }) == 1)
        #expect(sample(text, "flink_supervisor_savepoints_total", completed) == 1)
        #expect(sample(text, "flink_supervisor_savepoint_duration_seconds_bucket", completed.merging(["le": "60"]) { $1 }) == 0)
        #expect(sample(text, "flink_supervisor_savepoint_duration_seconds_bucket", completed.merging(["le": "120"]) { $1 }) == 1)
        #expect(sample(text, "flink_supervisor_savepoint_duration_seconds_bucket", completed.merging(["le": "1800"]) { $1 }) == 1)
        #expect(sample(text, "flink_supervisor_savepoint_duration_seconds_sum", completed) == 90)
        #expect(
            sample(text, "flink_supervisor_savepoint_timestamp_seconds", Self.job) == harness.clock.now.timeIntervalSince1970,
            "the time the completed savepoint was recorded")
    }

    @Test("a savepoint Flink answers as failed counts as failed; one it does not accept counts as rejected")
    func failedAndRejected() async throws {
        let harness = SupervisorHarness()
        try await harness.runningJob(Self.periodicJob())
        let metrics = harness.controller.metrics.registry
        try harness.request("TRIGGER_SAVEPOINT")
        try await harness.pass()
        let trigger = try #require(harness.storedJob?.status?.savepointTriggerId)
        harness.flink.state.withLock { $0.savepoints[trigger] = .failed(cause: "disk full") }
        harness.advance(5)
        try await harness.pass()
        #expect(sample(metrics.exposition(), "flink_supervisor_savepoints_total", Self.job.merging(["result": "failed"]) { $1 }) == 1)
        #expect(sample(metrics.exposition(), "flink_supervisor_savepoints_total", Self.job.merging(["result": "rejected"]) { $1 }) == 0)

        harness.flink.state.withLock { $0.rejectSavepoints = true }
        try harness.request("TRIGGER_SAVEPOINT")
        try await harness.pass()
        #expect(sample(metrics.exposition(), "flink_supervisor_savepoints_total", Self.job.merging(["result": "rejected"]) { $1 }) == 1)
    }

    @Test("each time the Flink job enters RESTARTING counts one restart; staying there counts nothing more")
    func restarts() async throws {
        let harness = SupervisorHarness()
        try await harness.runningJob()
        let metrics = harness.controller.metrics.registry
        #expect(sample(metrics.exposition(), "flink_supervisor_job_restarts_total", Self.job) == 0, "at 0 from the start, for increase()")
        for state in ["RESTARTING", "RESTARTING", "RUNNING", "RESTARTING"] {
            harness.flink.state.withLock { $0.jobs["job-1"] = state }
            harness.advance(5)
            try await harness.pass()
        }
        #expect(sample(metrics.exposition(), "flink_supervisor_job_restarts_total", Self.job) == 2)
        #expect(sample(metrics.exposition(), "flink_supervisor_job_running", Self.job) == 0)
    }

    @Test("the series of a job that is gone are removed, those made on its savepoints too")
    func goneJob() async throws {
        let harness = SupervisorHarness()
        try await harness.runningJob(Self.periodicJob())
        let metrics = harness.controller.metrics.registry
        try harness.request("TRIGGER_SAVEPOINT")
        try await harness.pass()
        let trigger = try #require(harness.storedJob?.status?.savepointTriggerId)
        harness.flink.state.withLock { $0.savepoints[trigger] = .completed(location: "file:///savepoints/sp-1") }
        harness.advance(5)
        try await harness.pass()
        let before = metrics.exposition()
        #expect(sample(before, "flink_supervisor_job_running", Self.job) == 1)
        #expect(sample(before, "flink_supervisor_savepoint_duration_seconds_count", Self.job.merging(["result": "completed"]) { $1 }) == 1)
        let job = try #require(harness.storedJob)
        harness.cache.jobs.remove(job)
        harness.advance(5)
        try await harness.pass()
        #expect(!metrics.exposition().contains(#"flink_job="demo-job""#))
        #expect(metrics.exposition().contains(#"flink_supervisor_job_status{cluster="demo",status="Started"} 0"#))
    }
}
