import FlinkClient
import Foundation
import TestSupport
import Testing

/// Savepoint disposal (`/savepoint-disposal`) against a real Flink: the savepoint's directory is deleted by Flink;
/// a path with no savepoint answers COMPLETED with a FileNotFoundException cause (`.notFound`) and is left alone.
@Suite("Flink client: savepoint disposal against real Flink", .serialized)
struct FlinkClientDisposalTests {
    /// Follows a disposal request until Flink says it is done.
    static func disposed(_ client: FlinkRESTClient, _ path: String) async throws -> SavepointDisposalStatus {
        let request = try await client.disposeSavepoint(path: path)
        var status: SavepointDisposalStatus = .inProgress
        try await waitFor("disposal of \(path)") {
            status = try await client.savepointDisposalStatus(requestId: request)
            return status != .inProgress
        }
        return status
    }

    @Test("a savepoint of a running job is disposed: its directory is gone; a missing path and an orphan are notFound")
    func dispose() async throws {
        let cluster = try FlinkTestCluster.start(version: "2.3.0", taskManagers: 1, slots: 1)
        defer { cluster.stop() }
        let client = FlinkRESTClient(baseURL: cluster.restURL)
        defer { Task { try? await client.shutdown() } }

        let jarId = try await client.uploadJar(contents: Data(contentsOf: cluster.jobsJar), fileName: "toolbox-test-jobs.jar")
        let output = cluster.base.appendingPathComponent("counts-disposal.txt")
        let jobId = try await client.runJar(jarId, RunRequest(entryClass: TestJobs.counting, parallelism: 1, arguments: ["--output", output.path]))
        try await waitFor("job running") { try await client.jobDetails(jobId).allTasksRunning }

        let trigger = try await client.triggerSavepoint(jobId, targetDirectory: cluster.savepointDirectory)
        var savepoint: SavepointStatus = .inProgress
        try await waitFor("savepoint") {
            savepoint = try await client.savepointStatus(jobId, triggerId: trigger)
            return savepoint != .inProgress
        }
        guard case .completed(let location) = savepoint else { Issue.record("savepoint failed: \(savepoint)"); return }
        let directory = URL(string: location).map(\.path) ?? location
        #expect(FileManager.default.fileExists(atPath: directory + "/_metadata"), "Flink wrote \(location)")

        #expect(try await Self.disposed(client, location) == .completed)
        #expect(!FileManager.default.fileExists(atPath: directory), "the savepoint directory is gone")

        // Disposing it again (a retry after a lost answer) finds nothing: notFound, which the supervisor counts as done.
        guard case .notFound = try await Self.disposed(client, location) else { Issue.record("a second disposal is not notFound"); return }

        // A directory without _metadata is no savepoint: Flink leaves it untouched.
        let orphan = cluster.base.appendingPathComponent("savepoints/orphan")
        try FileManager.default.createDirectory(at: orphan, withIntermediateDirectories: true)
        try Data("data".utf8).write(to: orphan.appendingPathComponent("part-0"))
        guard case .notFound = try await Self.disposed(client, "file://" + orphan.path) else { Issue.record("an orphan is not notFound"); return }
        #expect(FileManager.default.fileExists(atPath: orphan.appendingPathComponent("part-0").path))

        // An unknown request id is Flink's 404.
        await #expect(throws: FlinkError.self) { try await client.savepointDisposalStatus(requestId: "0123456789abcdef0123456789abcdef") }
        try await client.cancel(jobId)
    }
}
