import Foundation

/// A real Flink session cluster (JobManager and TaskManagers as local JVMs) started with `Tools/flink/cluster.sh`
/// on 127.0.0.1, and the test jobs jar built for it. Stopped by PID with `stop()`.
public final class FlinkTestCluster: @unchecked Sendable {
    /// Flink version, e.g. `2.3.0`.
    public let version: String
    /// REST base URL of the JobManager.
    public let restURL: URL
    /// Folder of the cluster's state, logs, savepoints and checkpoints.
    public let base: URL
    /// The test jobs jar.
    public let jobsJar: URL

    private init(version: String, restURL: URL, base: URL, jobsJar: URL) {
        self.version = version
        self.restURL = restURL
        self.base = base
        self.jobsJar = jobsJar
    }

    /// Installs Flink `version` and builds the test jobs if needed (cached), then starts a cluster.
    public static func start(version: String, taskManagers: Int = 1, slots: Int = 2, restarts: Int = 0) throws -> FlinkTestCluster {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("flink-\(version)-\(UUID().uuidString.prefix(8))")
        for step in [["bash", "Tools/flink/install.sh", version], ["bash", "Tools/flink/build-jobs.sh", version]] {
            let result = runTool(step)
            guard result.status == 0 else { throw FlinkHarnessError.failed("\(step.joined(separator: " ")): \(result.output)") }
        }
        let result = runTool([
            "bash", "Tools/flink/cluster.sh", "start", "--version", version, "--base", base.path,
            "--taskmanagers", String(taskManagers), "--slots", String(slots), "--restarts", String(restarts),
        ])
        guard result.status == 0,
            let line = result.output.split(separator: "\n").first(where: { $0.hasPrefix("FLINK_REST_URL=") }),
            let url = URL(string: String(line.dropFirst("FLINK_REST_URL=".count)))
        else { throw FlinkHarnessError.failed("cluster.sh start: \(result.output)") }
        let jar = repoRoot.appendingPathComponent(".cache/flink/jobs-\(version)/toolbox-test-jobs.jar")
        return FlinkTestCluster(version: version, restURL: url, base: base, jobsJar: jar)
    }

    /// Runs a `cluster.sh` command against this cluster (`kill-taskmanager`, `start-taskmanager`, `stop`).
    @discardableResult
    public func control(_ command: String, _ arguments: [String] = []) throws -> String {
        let result = runTool(["bash", "Tools/flink/cluster.sh", command, "--version", version, "--base", base.path] + arguments)
        guard result.status == 0 else { throw FlinkHarnessError.failed("cluster.sh \(command): \(result.output)") }
        return result.output
    }

    /// Stops every JVM of the cluster by PID.
    public func stop() { _ = try? control("stop") }

    /// A folder under the cluster's base for savepoints, as a `file://` URI.
    public var savepointDirectory: String { "file://" + base.appendingPathComponent("savepoints").path }
}

/// Failures of the Flink harness.
public enum FlinkHarnessError: Error, CustomStringConvertible {
    case failed(String)

    /// What failed, with the script's output.
    public var description: String {
        switch self {
        case .failed(let message): return message
        }
    }
}
