import KubeClient
import ServiceKit
import ToolboxAPI
import ToolboxCore

/// Routes answered by the cluster's supervisor, which asks Flink.
extension ControlPlaneHandlers {
    func getJobDetails(_ input: Operations.GetJobDetails.Input) async throws -> Operations.GetJobDetails.Output {
        await .answer { try await jobDetails(input.path.clusterName, input.path.jobName) }
    }

    func getJobDetailsAlias(_ input: Operations.GetJobDetailsAlias.Input) async throws -> Operations.GetJobDetailsAlias.Output {
        await .answer { try await jobDetails(input.path.clusterName, input.path.jobName) }
    }

    private func jobDetails(_ cluster: String, _ job: String) async throws -> Envelope {
        _ = try service.jobObject(cluster: cluster, job: job)
        return try ResponseEnvelope.ok(try await supervisors.jobDetails(cluster: cluster, job: job))
    }

    func getJobMetrics(_ input: Operations.GetJobMetrics.Input) async throws -> Operations.GetJobMetrics.Output {
        await .answer { try await jobMetrics(input.path.clusterName, input.path.jobName) }
    }

    func getJobMetricsAlias(_ input: Operations.GetJobMetricsAlias.Input) async throws -> Operations.GetJobMetricsAlias.Output {
        await .answer { try await jobMetrics(input.path.clusterName, input.path.jobName) }
    }

    private func jobMetrics(_ cluster: String, _ job: String) async throws -> Envelope {
        _ = try service.jobObject(cluster: cluster, job: job)
        return try ResponseEnvelope.ok(try await supervisors.jobMetrics(cluster: cluster, job: job))
    }

    func getJobManagerMetrics(_ input: Operations.GetJobManagerMetrics.Input) async throws -> Operations.GetJobManagerMetrics.Output {
        await .answer { try await jobManagerMetrics(input.path.clusterName) }
    }

    func getJobManagerMetricsAlias(_ input: Operations.GetJobManagerMetricsAlias.Input) async throws -> Operations.GetJobManagerMetricsAlias.Output {
        await .answer { try await jobManagerMetrics(input.path.clusterName) }
    }

    private func jobManagerMetrics(_ cluster: String) async throws -> Envelope {
        _ = try service.clusterObject(cluster)
        return try ResponseEnvelope.ok(try await supervisors.jobManagerMetrics(cluster: cluster))
    }

    func listTaskManagers(_ input: Operations.ListTaskManagers.Input) async throws -> Operations.ListTaskManagers.Output {
        await .answer { try await taskManagers(input.path.clusterName) }
    }

    func listTaskManagersAlias(_ input: Operations.ListTaskManagersAlias.Input) async throws -> Operations.ListTaskManagersAlias.Output {
        await .answer { try await taskManagers(input.path.clusterName) }
    }

    private func taskManagers(_ cluster: String) async throws -> Envelope {
        _ = try service.clusterObject(cluster)
        return try ResponseEnvelope.ok(try await supervisors.taskManagers(cluster: cluster))
    }

    func getTaskManagerDetails(_ input: Operations.GetTaskManagerDetails.Input) async throws -> Operations.GetTaskManagerDetails.Output {
        await .answer { try await taskManagerDetails(input.path.clusterName, input.path.taskmanagerId) }
    }

    func getTaskManagerDetailsAlias(
        _ input: Operations.GetTaskManagerDetailsAlias.Input
    ) async throws
        -> Operations.GetTaskManagerDetailsAlias.Output
    {
        await .answer { try await taskManagerDetails(input.path.clusterName, input.path.taskmanagerId) }
    }

    private func taskManagerDetails(_ cluster: String, _ id: String) async throws -> Envelope {
        _ = try service.clusterObject(cluster)
        return try ResponseEnvelope.ok(try await supervisors.taskManagerDetails(cluster: cluster, id: id))
    }

    func getTaskManagerMetrics(_ input: Operations.GetTaskManagerMetrics.Input) async throws -> Operations.GetTaskManagerMetrics.Output {
        await .answer { try await taskManagerMetrics(input.path.clusterName, input.path.taskmanagerId) }
    }

    func getTaskManagerMetricsAlias(
        _ input: Operations.GetTaskManagerMetricsAlias.Input
    ) async throws
        -> Operations.GetTaskManagerMetricsAlias.Output
    {
        await .answer { try await taskManagerMetrics(input.path.clusterName, input.path.taskmanagerId) }
    }

    private func taskManagerMetrics(_ cluster: String, _ id: String) async throws -> Envelope {
        _ = try service.clusterObject(cluster)
        return try ResponseEnvelope.ok(try await supervisors.taskManagerMetrics(cluster: cluster, id: id))
    }
}
