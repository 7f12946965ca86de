import FlinkClient
import Foundation
import TestSupport
import Testing

/// Entry classes of the test jobs in `Tests/flink-jobs`.
enum TestJobs {
    static let counting = "com.nextbreakpoint.toolbox.testjobs.CountingJob"
    static let failing = "com.nextbreakpoint.toolbox.testjobs.FailingJob"
}

/// Polls `condition` every 200 ms for up to `seconds`.
func waitFor(_ what: String, seconds: Double = 60, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    throw FlinkHarnessError.failed("timed out waiting for \(what)")
}

/// The counts a CountingJob wrote to its output file (`<epoch-ms> <count>` per line).
func counts(in file: URL) -> [Int] {
    let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
}

@Suite("Flink client against real Flink", .serialized)
struct FlinkClientIntegrationTests {
    @Test(
        "upload, run, savepoint, stop with savepoint, resume with state, cancel, metrics, TaskManagers, failures",
        arguments: ["2.3.0", "1.20.5"])
    func lifecycle(version: String) async throws {
        // Restarts allowed, so the counting job recovers from a lost TaskManager; FailingJob disables them itself.
        let cluster = try FlinkTestCluster.start(version: version, taskManagers: 1, slots: 2, restarts: 3)
        defer { cluster.stop() }
        let client = FlinkRESTClient(baseURL: cluster.restURL)
        defer { Task { try? await client.shutdown() } }

        let overview = try await client.overview()
        #expect(overview.slotsTotal == 2)
        #expect(try await client.flinkVersion() == version)

        let jarId = try await client.uploadJar(contents: Data(contentsOf: cluster.jobsJar), fileName: "toolbox-test-jobs.jar")
        #expect(try await client.jars().contains { $0.id == jarId })

        // Run the counting job and wait until every task runs and it has counted.
        let output = cluster.base.appendingPathComponent("counts-\(UUID().uuidString).txt")
        let jobId = try await client.runJar(jarId, RunRequest(entryClass: TestJobs.counting, parallelism: 2, arguments: ["--output", output.path]))
        try await waitFor("job running") { try await client.jobDetails(jobId).allTasksRunning }
        try await waitFor("counts") { counts(in: output).count >= 3 }
        #expect(try await client.jobs().contains { $0.id == jobId && $0.status == "RUNNING" })
        // A second run with the same job id (a restarted bootstrap of the same start) is refused, and known as such.
        do {
            _ = try await client.runJar(
                jarId, RunRequest(entryClass: TestJobs.counting, parallelism: 2, arguments: ["--output", output.path], jobId: jobId))
            Issue.record("Flink \(version) ran job id \(jobId) twice")
        } catch let error as FlinkError {
            #expect(error.isDuplicateSubmission, "\(error)")
        }
        #expect(try await client.jobs().filter { $0.status == "RUNNING" }.map(\.id) == [jobId])
        // Checkpoints (every 2 s in the test cluster's configuration): counted, the latest with its path.
        #expect(try await client.jobManagerConfiguration()["execution.checkpointing.interval"] == "2s")
        try await waitFor("a completed checkpoint") { try await client.checkpointStatistics(jobId).latest != nil }
        let statistics = try await client.checkpointStatistics(jobId)
        #expect(statistics.completed >= 1)
        #expect(statistics.latest?.path.contains("/chk-") == true)
        #expect(statistics.latest?.isSavepoint == false)
        let overviewEntry = try await client.jobsOverview().first { $0.id == jobId }
        #expect(overviewEntry?.state == "RUNNING")
        #expect((overviewEntry?.tasks?["running"] ?? 0) > 0)

        // A savepoint while running.
        let trigger = try await client.triggerSavepoint(jobId, targetDirectory: cluster.savepointDirectory)
        var savepoint: SavepointStatus = .inProgress
        try await waitFor("savepoint") {
            savepoint = try await client.savepointStatus(jobId, triggerId: trigger)
            return savepoint != .inProgress
        }
        guard case .completed = savepoint else { Issue.record("savepoint failed: \(savepoint)"); return }

        // Stop with a savepoint, then resume from it: the count continues.
        let stopTrigger = try await client.stopWithSavepoint(jobId, targetDirectory: cluster.savepointDirectory)
        var stopped: SavepointStatus = .inProgress
        try await waitFor("stop with savepoint") {
            stopped = try await client.savepointStatus(jobId, triggerId: stopTrigger)
            return stopped != .inProgress
        }
        guard case .completed(let location) = stopped else { Issue.record("stop with savepoint failed: \(stopped)"); return }
        try await waitFor("job finished") { try await client.jobDetails(jobId).state == "FINISHED" }
        let countAtStop = counts(in: output).last ?? 0
        let linesAtStop = counts(in: output).count
        #expect(countAtStop > 0)

        let resumed = try await client.runJar(
            jarId, RunRequest(entryClass: TestJobs.counting, parallelism: 2, arguments: ["--output", output.path], savepointPath: location)
        )
        try await waitFor("resumed job counting") { counts(in: output).count > linesAtStop + 2 }
        let afterResume = Array(counts(in: output).dropFirst(linesAtStop))
        #expect((afterResume.first ?? 0) >= countAtStop, "count restarted from \(afterResume.first ?? 0) instead of continuing from \(countAtStop)")
        #expect(try await client.checkpoints(resumed).restoredFromPath == location)

        // Metrics.
        let jobManagerMetrics = try await client.jobManagerMetrics(names: ["numRegisteredTaskManagers", "taskSlotsTotal"])
        #expect(jobManagerMetrics["numRegisteredTaskManagers"] == "1")
        try await waitFor("job metrics") { try await client.jobMetrics(resumed, names: ["uptime"])["uptime"] != nil }

        // TaskManagers: one, busy; kill it and see it go; start another and see it register; the job recovers.
        let taskManagers = try await client.taskManagers()
        #expect(taskManagers.count == 1)
        let list = try JSONSerialization.jsonObject(with: try await client.taskManagerList()) as? [String: Any]
        let entry = (list?["taskmanagers"] as? [[String: Any]])?.first ?? [:]
        #expect(entry["hardware"] != nil && entry["memoryConfiguration"] != nil, "the whole answer passes through: \(entry.keys.sorted())")
        #expect(taskManagers.first?.isIdle == false)
        #expect(taskManagers.first?.host == "127.0.0.1")
        try cluster.control("kill-taskmanager")
        try await waitFor("lost TaskManager seen") { try await client.taskManagers().isEmpty }
        // Flink answers the details of a TaskManager it lost with a 500 (UnknownTaskExecutorException): notFound.
        do {
            _ = try await client.taskManagerDetails(try #require(taskManagers.first?.id))
            Issue.record("the details of a lost TaskManager were answered")
        } catch let error as FlinkError {
            guard case .notFound = error else { Issue.record("expected notFound for a lost TaskManager, got \(error)"); return }
        }
        try cluster.control("start-taskmanager")
        try await waitFor("new TaskManager registered") { try await client.taskManagers().count == 1 }
        try await waitFor("job recovered") { try await client.jobDetails(resumed).allTasksRunning }

        // Cancel.
        try await client.cancel(resumed)
        try await waitFor("job canceled") { try await client.jobDetails(resumed).state == "CANCELED" }
        await #expect(throws: FlinkError.self) { try await client.cancel("00000000000000000000000000000000") }

        // A job that fails on purpose is seen as FAILED, with its exception.
        let failing = try await client.runJar(jarId, RunRequest(entryClass: TestJobs.failing, parallelism: 1))
        try await waitFor("job failed") { try await client.jobDetails(failing).state == "FAILED" }
        let exceptions = try await client.exceptions(failing)
        #expect(exceptions.contains { $0.stackTrace.contains("failed on purpose") })

        // A savepoint of a finished job completes with a failure cause: reported as a failure.
        let late = try await client.triggerSavepoint(failing, targetDirectory: cluster.savepointDirectory)
        var lateStatus: SavepointStatus = .inProgress
        try await waitFor("late savepoint answer") {
            lateStatus = try await client.savepointStatus(failing, triggerId: late)
            return lateStatus != .inProgress
        }
        guard case .failed = lateStatus else { Issue.record("expected a failed savepoint, got \(lateStatus)"); return }

        try await client.deleteJar(jarId)
        #expect(try await client.jars().contains { $0.id == jarId } == false)
    }
}
