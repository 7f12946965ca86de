import Foundation
import ToolboxAPI

/// The Flink metric names behind the contract's metric views, and their conversion.
enum FlinkMetricNames {
    /// JVM metrics of a JobManager or TaskManager (`Status.JVM.*`).
    static let process = [
        "Status.JVM.CPU.Time", "Status.JVM.CPU.Load", "Status.JVM.Threads.Count",
        "Status.JVM.Memory.Heap.Max", "Status.JVM.Memory.Heap.Used", "Status.JVM.Memory.Heap.Committed",
        "Status.JVM.Memory.NonHeap.Max", "Status.JVM.Memory.NonHeap.Used", "Status.JVM.Memory.NonHeap.Committed",
        "Status.JVM.Memory.Direct.Count", "Status.JVM.Memory.Direct.MemoryUsed", "Status.JVM.Memory.Direct.TotalCapacity",
        "Status.JVM.Memory.Mapped.Count", "Status.JVM.Memory.Mapped.MemoryUsed", "Status.JVM.Memory.Mapped.TotalCapacity",
        "Status.JVM.GarbageCollector.Copy.Time", "Status.JVM.GarbageCollector.Copy.Count",
        "Status.JVM.GarbageCollector.MarkSweepCompact.Time", "Status.JVM.GarbageCollector.MarkSweepCompact.Count",
        "Status.JVM.ClassLoader.ClassesLoaded", "Status.JVM.ClassLoader.ClassesUnloaded",
    ]

    /// The JobManager's view of the cluster: slots, TaskManagers and running jobs (TaskManagers do not have these).
    static let cluster = ["taskSlotsTotal", "taskSlotsAvailable", "numRegisteredTaskManagers", "numRunningJobs"]

    /// What the JobManager metrics view asks for.
    static let jobManager = process + cluster

    /// Checkpoint and restart metrics of a job (the contract uses Flink's names).
    static let job = [
        "totalNumberOfCheckpoints", "numberOfCompletedCheckpoints", "numberOfInProgressCheckpoints", "numberOfFailedCheckpoints",
        "lastCheckpointDuration", "lastCheckpointSize", "lastCheckpointRestoreTimestamp", "lastCheckpointAlignmentBuffered",
        "lastCheckpointExternalPath", "fullRestarts", "restartingTime", "uptime", "downtime",
    ]

    /// `Status.JVM.Memory.Heap.Used` → `jvmMemoryHeapUsed`; a name without dots (`taskSlotsTotal`) is its own field.
    static func fieldName(_ metric: String) -> String {
        guard metric.contains(".") else { return metric }
        let parts = metric.split(separator: ".").dropFirst()
        return parts.enumerated().map { $0.offset == 0 ? $0.element.lowercased() : String($0.element) }.joined()
    }

    /// Process metrics from Flink's values. Every metric the view covers is present: one Flink does not report (or
    /// reports unparsable) is 0, as in the original.
    static func processMetrics(_ values: [String: String]) throws -> Components.Schemas.ProcessMetrics {
        var object: [String: Any] = [:]
        for name in jobManager {
            let field = fieldName(name)
            let value = values[name]
            if field == "jvmCPULoad" { object[field] = value.flatMap(Double.init) ?? 0 } else { object[field] = value.flatMap(integer) ?? 0 }
        }
        return try decode(object)
    }

    /// Job metrics from Flink's values.
    static func jobMetrics(_ values: [String: String]) throws -> Components.Schemas.JobMetrics {
        var object: [String: Any] = [:]
        for (name, value) in values {
            object[name] = name == "lastCheckpointExternalPath" ? value : integer(value)
        }
        return try decode(object)
    }

    private static func integer(_ value: String) -> Int64? {
        Int64(value) ?? Double(value).flatMap { $0.isFinite ? Int64($0) : nil }
    }

    private static func decode<T: Decodable>(_ object: [String: Any]) throws -> T {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try JSONDecoder().decode(T.self, from: data)
    }
}
