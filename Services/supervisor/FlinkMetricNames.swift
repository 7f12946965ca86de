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
    ]

    /// Checkpoint and restart metrics of a job (the contract uses Flink's names).
    static let job = [
        "totalNumberOfCheckpoints", "numberOfCompletedCheckpoints", "numberOfInProgressCheckpoints", "numberOfFailedCheckpoints",
        "lastCheckpointDuration", "lastCheckpointSize", "lastCheckpointRestoreTimestamp", "lastCheckpointAlignmentBuffered",
        "lastCheckpointExternalPath", "fullRestarts", "restartingTime", "uptime", "downtime",
    ]

    /// `Status.JVM.Memory.Heap.Used` → `jvmMemoryHeapUsed`.
    static func fieldName(_ metric: String) -> String {
        let parts = metric.split(separator: ".").dropFirst()
        return parts.enumerated().map { $0.offset == 0 ? $0.element.lowercased() : String($0.element) }.joined()
    }

    /// Process metrics from Flink's values (absent or unparsable values are left out).
    static func processMetrics(_ values: [String: String]) throws -> Components.Schemas.ProcessMetrics {
        var object: [String: Any] = [:]
        for (name, value) in values {
            let field = fieldName(name)
            if field == "jvmCPULoad" { object[field] = Double(value) } else { object[field] = integer(value) }
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
