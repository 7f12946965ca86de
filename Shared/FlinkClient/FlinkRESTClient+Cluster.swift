import Foundation

extension FlinkRESTClient {
    private struct Metric: Decodable {
        var id: String
        var value: String?
    }

    /// Values of the named job metrics; names Flink does not know are absent.
    public func jobMetrics(_ jobId: String, names: [String]) async throws -> [String: String] {
        try await metrics("/jobs/\(jobId)/metrics", names: names)
    }

    /// Values of the named JobManager metrics.
    public func jobManagerMetrics(names: [String]) async throws -> [String: String] {
        try await metrics("/jobmanager/metrics", names: names)
    }

    /// Values of the named metrics of one TaskManager.
    public func taskManagerMetrics(_ taskManagerId: String, names: [String]) async throws -> [String: String] {
        try await metrics("/taskmanagers/\(taskManagerId)/metrics", names: names)
    }

    /// Values of the named metrics of one vertex of a job (for example a user gauge).
    public func vertexMetrics(_ jobId: String, vertexId: String, names: [String]) async throws -> [String: String] {
        try await metrics("/jobs/\(jobId)/vertices/\(vertexId)/metrics", names: names)
    }

    /// The names of the metrics a vertex of a job has.
    public func vertexMetricNames(_ jobId: String, vertexId: String) async throws -> [String] {
        try await get("/jobs/\(jobId)/vertices/\(vertexId)/metrics", as: [Metric].self).map(\.id)
    }

    private func metrics(_ path: String, names: [String]) async throws -> [String: String] {
        let list = try await get(path, query: [("get", names.joined(separator: ","))], as: [Metric].self)
        return Dictionary(list.compactMap { metric in metric.value.map { (metric.id, $0) } }, uniquingKeysWith: { _, last in last })
    }

    /// The TaskManagers registered with the JobManager.
    public func taskManagers() async throws -> [TaskManagerInfo] {
        struct Answer: Decodable { var taskmanagers: [TaskManagerInfo] }
        return try await get("/taskmanagers", as: Answer.self).taskmanagers
    }

    /// Flink's whole `/taskmanagers` answer (every field of every TaskManager), for pass-through.
    public func taskManagerList() async throws -> Data {
        struct Answer: Decodable { var taskmanagers: [TaskManagerInfo] }
        let data = try await send(.GET, "/taskmanagers")
        _ = try decode(Answer.self, data, "GET /taskmanagers")
        return data
    }

    /// Flink's whole answer about one TaskManager (`/taskmanagers/{id}`), for pass-through. Flink answers an id it does
    /// not know (a TaskManager gone since it was listed) with a 500 `UnknownTaskExecutorException`: that is `notFound`.
    public func taskManagerDetails(_ taskManagerId: String) async throws -> Data {
        let data: Data
        do {
            data = try await send(.GET, "/taskmanagers/\(taskManagerId)")
        } catch FlinkError.serverError(_, let errors) where errors.contains(where: { $0.contains("UnknownTaskExecutorException") }) {
            throw FlinkError.notFound("TaskManager \(taskManagerId)")
        }
        _ = try decode(TaskManagerInfo.self, data, "GET /taskmanagers/\(taskManagerId)")
        return data
    }
}
