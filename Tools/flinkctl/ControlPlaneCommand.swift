import ArgumentParser
import Foundation
import ToolboxAPI

/// A command that sends requests to the operator's control plane and prints the answers.
protocol ControlPlaneCommand: AsyncParsableCommand {
    /// Where the operator is.
    var connection: ConnectionOptions { get }
    /// How answers are shown.
    var format: OutputOptions { get }
    /// What the answers are about, for `-o name` and `-o jsonpath`.
    var subject: Subject { get }
}

extension ControlPlaneCommand {
    /// Sends one request, prints its answer, then runs `after` (for example `--wait`) with the same session.
    func send<Output>(
        _ operation: (Client) async throws -> Output,
        columns: ((ControlPlaneSession) -> ListColumns)? = nil,
        then after: ((ControlPlaneSession) async throws -> Void)? = nil
    ) async throws {
        try await connection.withSession { session in
            let reply = try await session.call(operation)
            try await format.show(reply, subject: subject, columns: columns?(session))
            fflush(nil)
            try await after?(session)
        }
    }
}

/// `--cluster-name`.
struct ClusterNameOption: ParsableArguments {
    @Option(help: "Name of the FlinkCluster.")
    var clusterName: String
}

/// `--cluster-name` and `--job-name`.
struct JobNameOptions: ParsableArguments {
    @Option(help: "Name of the FlinkCluster the job runs in.")
    var clusterName: String

    @Option(help: "Name of the job within its cluster (without the `<cluster>-` prefix).")
    var jobName: String

    /// The name of the FlinkJob resource, `<cluster>-<job>`.
    var resourceName: String { "\(clusterName)-\(jobName)" }
}

/// `--without-savepoint`.
struct SavepointFlag: ParsableArguments {
    @Flag(help: "Stop without taking a savepoint, or start without restoring the last one.")
    var withoutSavepoint = false

    /// The request body of start and stop.
    var body: Components.RequestBodies.StartStop { .json(.init(withoutSavepoint: withoutSavepoint)) }
}

/// Status columns of the list tables.
enum StatusColumns {
    static let cluster = (
        ["SUPERVISOR-STATUS", "RESOURCE-STATUS", "HEALTH", "TASK-MANAGERS", "SLOTS"],
        ["supervisorStatus", "resourceStatus", "clusterHealth", "taskManagerReplicas", "totalTaskSlots"]
    )
    static let job = (
        ["SUPERVISOR-STATUS", "RESOURCE-STATUS", "JOB-STATUS", "PARALLELISM", "JOB-ID"],
        ["supervisorStatus", "resourceStatus", "jobStatus", "jobParallelism", "jobId"]
    )
    static let deployment = (["RESOURCE-STATUS", "TIMESTAMP"], ["resourceStatus", "timestamp"])
}

/// Reads a value the user left out from the terminal, as the original prompted for it.
func prompt(_ label: String, option: String) throws -> String {
    guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("missing \(option)") }
    print("\(label): ", terminator: "")
    guard let line = readLine(), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw ValidationError("missing \(option)")
    }
    return line.trimmingCharacters(in: .whitespaces)
}
