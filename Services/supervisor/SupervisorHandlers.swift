import FlinkClient
import Foundation
import KubeClient
import Logging
import ServiceKit
import SupervisorKit
import ToolboxAPI
import ToolboxCore

/// The supervisor's internal API (`/supervisor/v1`, mutual TLS): Flink views for the operator's control plane,
/// bootstrap reports, and a nudge to reconcile now.
struct SupervisorHandlers: ToolboxAPIHandlers {
    let controller: SupervisorController

    private var flink: any FlinkAPI { controller.flink }
    private var cache: SupervisorCache { controller.cache }

    func getSupervisedClusterOverview(_ input: Operations.GetSupervisedClusterOverview.Input) async throws -> Operations.GetSupervisedClusterOverview.Output {
        do {
            let overview = try await flink.overview()
            return .ok(.init(body: .json(try Self.convert(overview, to: Components.Schemas.ClusterOverview.self))))
        } catch { return .default(statusCode: Self.status(of: error), Self.failure(error)) }
    }

    func getSupervisedJobManagerMetrics(
        _ input: Operations.GetSupervisedJobManagerMetrics.Input
    ) async throws -> Operations.GetSupervisedJobManagerMetrics.Output {
        do {
            let values = try await flink.jobManagerMetrics(names: FlinkMetricNames.jobManager)
            return .ok(.init(body: .json(try FlinkMetricNames.processMetrics(values))))
        } catch { return .default(statusCode: Self.status(of: error), Self.failure(error)) }
    }

    func getSupervisedJobDetails(_ input: Operations.GetSupervisedJobDetails.Input) async throws -> Operations.GetSupervisedJobDetails.Output {
        do {
            let details = try await flink.jobDetails(try flinkJobId(input.path.jobName))
            return .ok(.init(body: .json(try JSONDecoder().decode(Components.Schemas.JobDetails.self, from: details.raw))))
        } catch {
            if Self.status(of: error) == 404 { return .notFound(.init(body: .json(Self.notFoundBody(error)))) }
            return .default(statusCode: Self.status(of: error), Self.failure(error))
        }
    }

    func getSupervisedJobMetrics(_ input: Operations.GetSupervisedJobMetrics.Input) async throws -> Operations.GetSupervisedJobMetrics.Output {
        do {
            let values = try await flink.jobMetrics(try flinkJobId(input.path.jobName), names: FlinkMetricNames.job)
            return .ok(.init(body: .json(try FlinkMetricNames.jobMetrics(values))))
        } catch {
            if Self.status(of: error) == 404 { return .notFound(.init(body: .json(Self.notFoundBody(error)))) }
            return .default(statusCode: Self.status(of: error), Self.failure(error))
        }
    }

    func listSupervisedTaskManagers(_ input: Operations.ListSupervisedTaskManagers.Input) async throws -> Operations.ListSupervisedTaskManagers.Output {
        do {
            // Flink's fields pass through, the contract's and the others (hardware, memory configuration, ...).
            struct Answer: Decodable { var taskmanagers: [Components.Schemas.TaskManagerInfo] }
            let data = try await flink.taskManagerList()
            return .ok(.init(body: .json(try JSONDecoder().decode(Answer.self, from: data).taskmanagers)))
        } catch { return .default(statusCode: Self.status(of: error), Self.failure(error)) }
    }

    /// Throws not found unless Flink lists TaskManager `id`: for an unknown id Flink answers metrics with nothing
    /// (which would read as zeros) and details with a 500.
    private func requireTaskManager(_ id: String) async throws {
        guard try await flink.taskManagers().contains(where: { $0.id == id }) else { throw FlinkError.notFound("TaskManager \(id)") }
    }

    func getSupervisedTaskManagerDetails(
        _ input: Operations.GetSupervisedTaskManagerDetails.Input
    ) async throws -> Operations.GetSupervisedTaskManagerDetails.Output {
        do {
            try await requireTaskManager(input.path.taskmanagerId)
            let data = try await flink.taskManagerDetails(input.path.taskmanagerId)
            return .ok(.init(body: .json(try JSONDecoder().decode(Components.Schemas.TaskManagerDetails.self, from: data))))
        } catch {
            if Self.status(of: error) == 404 { return .notFound(.init(body: .json(Self.notFoundBody(error)))) }
            return .default(statusCode: Self.status(of: error), Self.failure(error))
        }
    }

    func getSupervisedTaskManagerMetrics(
        _ input: Operations.GetSupervisedTaskManagerMetrics.Input
    ) async throws -> Operations.GetSupervisedTaskManagerMetrics.Output {
        do {
            try await requireTaskManager(input.path.taskmanagerId)
            let values = try await flink.taskManagerMetrics(input.path.taskmanagerId, names: FlinkMetricNames.process)
            return .ok(.init(body: .json(try FlinkMetricNames.processMetrics(values))))
        } catch {
            if Self.status(of: error) == 404 { return .notFound(.init(body: .json(Self.notFoundBody(error)))) }
            return .default(statusCode: Self.status(of: error), Self.failure(error))
        }
    }

    func reportBootstrap(_ input: Operations.ReportBootstrap.Input) async throws -> Operations.ReportBootstrap.Output {
        guard case .json(let report) = input.body else { return .badRequest(.init(body: .json(Self.errorBody(.badRequest, "expected a JSON report")))) }
        do {
            let message = try await controller.accept(report, jobName: input.path.jobName)
            return .accepted(.init(body: .json(.init(accepted: true, message: message))))
        } catch let error as SupervisorRequestError {
            switch error {
            case .notFound(let message): return .notFound(.init(body: .json(Self.errorBody(.notFound, message))))
            case .badRequest(let message): return .badRequest(.init(body: .json(Self.errorBody(.badRequest, message))))
            }
        } catch { return .default(statusCode: 503, Self.failure(error)) }
    }

    func nudgeSupervisor(_ input: Operations.NudgeSupervisor.Input) async throws -> Operations.NudgeSupervisor.Output {
        controller.nudge()
        return .accepted(.init(body: .json(.init(accepted: true, message: "reconcile of \(cache.clusterName) queued"))))
    }

    /// The Flink id of job `name` of this cluster; 404 when the job does not exist or runs no Flink job.
    private func flinkJobId(_ name: String) throws -> String {
        let jobName = ResourceNames.flinkJob(cluster: cache.clusterName, job: name)
        guard let job = cache.jobs.get(cache.key(jobName)) else { throw SupervisorRequestError.notFound("FlinkJob \(jobName) not found") }
        guard let id = job.status?.jobId, !id.isEmpty else { throw SupervisorRequestError.notFound("FlinkJob \(jobName) has no running Flink job") }
        return id
    }

    private static func convert<Source: Encodable, Target: Decodable>(_ value: Source, to type: Target.Type) throws -> Target {
        try JSONDecoder().decode(type, from: try JSONEncoder().encode(value))
    }

    /// HTTP status of a failed Flink call or request.
    static func status(of error: any Error) -> Int {
        switch error {
        case FlinkError.notFound, SupervisorRequestError.notFound: return 404
        case FlinkError.timeout: return 504
        case SupervisorRequestError.badRequest: return 400
        default: return 503
        }
    }

    static func errorBody(_ reason: Components.Schemas.ErrorReason, _ message: String) -> Components.Schemas.ErrorEnvelope {
        .init(status: .failure, error: message, reason: reason)
    }

    static func notFoundBody(_ error: any Error) -> Components.Schemas.ErrorEnvelope { errorBody(.notFound, "\(error)") }

    static func failure(_ error: any Error) -> Components.Responses.Failure {
        let reason: Components.Schemas.ErrorReason = status(of: error) == 504 ? .timeout : status(of: error) == 404 ? .notFound : .unavailable
        return .failure(reason, "\(error)")
    }
}
