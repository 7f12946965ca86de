import Foundation

/// Flink's `/overview`: TaskManagers, slots and job counts.
public struct ClusterOverview: Codable, Sendable, Hashable {
    public var taskManagers: Int
    public var slotsTotal: Int
    public var slotsAvailable: Int
    public var jobsRunning: Int
    public var jobsFinished: Int
    public var jobsCancelled: Int
    public var jobsFailed: Int
    public var flinkVersion: String?
    public var flinkCommit: String?

    enum CodingKeys: String, CodingKey {
        case taskManagers = "taskmanagers", slotsTotal = "slots-total", slotsAvailable = "slots-available"
        case jobsRunning = "jobs-running", jobsFinished = "jobs-finished", jobsCancelled = "jobs-cancelled", jobsFailed = "jobs-failed"
        case flinkVersion = "flink-version", flinkCommit = "flink-commit"
    }
}

/// A job's id and state, as `/jobs` lists them.
public struct JobSummary: Codable, Sendable, Hashable {
    public var id: String
    /// Flink's state, upper case: RUNNING, FINISHED, FAILED, CANCELED, ...
    public var status: String

    /// Whether the job will not run again by itself.
    public var isTerminal: Bool { FlinkJobState.terminal.contains(status) }
}

/// One job as `/jobs/overview` lists it.
public struct JobOverview: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var state: String
    public var startTime: Int64?
    public var duration: Int64?
    /// Task counts by state (`running`, `scheduled`, ...): a RUNNING job can still have no running task.
    public var tasks: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case id = "jid", name, state, startTime = "start-time", duration, tasks
    }
}

/// Names of Flink job states.
public enum FlinkJobState {
    /// States a job never leaves.
    public static let terminal: Set<String> = ["FINISHED", "FAILED", "CANCELED", "SUSPENDED"]
}

/// The fields of `/jobs/{id}` the toolbox reads; `raw` keeps Flink's whole answer for pass-through.
public struct JobDetails: Sendable {
    public var id: String
    public var name: String
    public var state: String
    public var startTime: Int64?
    public var duration: Int64?
    public var vertices: [Vertex]
    /// Flink's answer as received.
    public var raw: Data

    /// One operator chain of a job.
    public struct Vertex: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        public var parallelism: Int
        public var status: String
        /// Task counts by state (RUNNING, SCHEDULED, ...).
        public var tasks: [String: Int]?
    }

    /// Details of job `id` (`raw`: Flink's answer, empty when made up, e.g. by a test).
    public init(
        id: String, name: String, state: String, startTime: Int64? = nil, duration: Int64? = nil, vertices: [Vertex], raw: Data = Data()
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.startTime = startTime
        self.duration = duration
        self.vertices = vertices
        self.raw = raw
    }

    /// Whether every task of every vertex runs (a RUNNING job can still wait for slots).
    public var allTasksRunning: Bool {
        !vertices.isEmpty && vertices.allSatisfy { $0.status == "RUNNING" }
    }
}

/// A JAR uploaded to the JobManager.
public struct UploadedJar: Codable, Sendable, Hashable {
    /// The id to run it by.
    public var id: String
    /// The original file name.
    public var name: String
    /// Upload time, epoch milliseconds.
    public var uploaded: Int64
}

/// What to run from an uploaded JAR.
public struct RunRequest: Codable, Sendable, Hashable {
    public var entryClass: String?
    public var parallelism: Int?
    /// Program arguments as a list (Flink 2.x ignores the legacy `programArgs` string).
    public var programArgsList: [String]?
    /// Savepoint to restore from.
    public var savepointPath: String?
    public var allowNonRestoredState: Bool?
    /// A fixed job id (32 hex digits), so a retried run cannot start the job twice.
    public var jobId: String?
    /// Flink configuration of this job (FLIP-256, Flink 1.17+; an older Flink rejects the field).
    public var flinkConfiguration: [String: String]?

    /// A run request.
    public init(
        entryClass: String?, parallelism: Int?, arguments: [String] = [], savepointPath: String? = nil,
        allowNonRestoredState: Bool = false, jobId: String? = nil, flinkConfiguration: [String: String]? = nil
    ) {
        self.entryClass = entryClass
        self.parallelism = parallelism
        self.programArgsList = arguments
        self.savepointPath = savepointPath
        self.allowNonRestoredState = allowNonRestoredState
        self.jobId = jobId
        self.flinkConfiguration = flinkConfiguration
    }
}

/// The state of an asynchronous savepoint (or stop-with-savepoint) request.
public enum SavepointStatus: Sendable, Hashable {
    case inProgress
    /// Done; the savepoint's location.
    case completed(location: String)
    /// Done without a savepoint (Flink says COMPLETED with a failure cause).
    case failed(cause: String)
}

/// One TaskManager as `/taskmanagers` lists it.
public struct TaskManagerInfo: Codable, Sendable, Hashable {
    public var id: String
    public var path: String?
    public var dataPort: Int?
    public var timeSinceLastHeartbeat: Int64?
    public var slotsNumber: Int
    public var freeSlots: Int

    /// Whether no slot is in use.
    public var isIdle: Bool { slotsNumber == freeSlots }

    /// The host part of the RPC path (`pekko.tcp://flink@127.0.0.5:41234/user/rpc/taskmanager_0` → `127.0.0.5`).
    public var host: String? {
        guard let path, let at = path.firstIndex(of: "@") else { return nil }
        let rest = path[path.index(after: at)...]
        return rest.split(separator: ":").first.map(String.init)
    }
}

/// An exception a job raised, from either version's `/jobs/{id}/exceptions`.
public struct JobException: Sendable, Hashable {
    public var name: String
    public var stackTrace: String
    public var timestamp: Int64?
    public var taskName: String?
}

/// Checkpoint counts and the latest savepoint of a job.
public struct CheckpointSummary: Sendable, Hashable {
    public var completed: Int
    public var failed: Int
    public var inProgress: Int
    public var restored: Int
    /// Location of the latest completed checkpoint.
    public var latestCompletedPath: String?
    /// Location of the latest savepoint.
    public var latestSavepointPath: String?
    /// Location the job was restored from, if any.
    public var restoredFromPath: String?
}
