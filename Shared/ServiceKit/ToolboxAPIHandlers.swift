import OpenAPIRuntime
import ToolboxAPI

/// The contract's operations with a default answer: 501 Not Implemented with a JSON `ErrorEnvelope`.
///
/// Each toolbox process serves only its part of the contract (see `PrefixFilteredTransport`) and implements
/// the operations of that part; any operation it does not implement yet answers 501, never crashes.
public protocol ToolboxAPIHandlers: APIProtocol {}

extension ToolboxAPIHandlers {
    /// GET /version: 501 until implemented.
    public func getVersion(_ input: Operations.GetVersion.Input) async throws -> Operations.GetVersion.Output {
        .undocumented(statusCode: 501, .notImplemented("GET /version"))
    }
    /// GET /metrics: 501 until implemented.
    public func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .undocumented(statusCode: 501, .notImplemented("GET /metrics"))
    }
    /// GET /api/v1/deployments: 501 until implemented.
    public func listDeployments(_ input: Operations.ListDeployments.Input) async throws -> Operations.ListDeployments.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/deployments"))
    }
    /// GET /api/v1/deployments/{deploymentName}/status: 501 until implemented.
    public func getDeploymentStatus(_ input: Operations.GetDeploymentStatus.Input) async throws -> Operations.GetDeploymentStatus.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/deployments/{deploymentName}/status"))
    }
    /// POST /api/v1/deployments/{deploymentName}: 501 until implemented.
    public func createDeployment(_ input: Operations.CreateDeployment.Input) async throws -> Operations.CreateDeployment.Output {
        .default(statusCode: 501, .notImplemented("POST /api/v1/deployments/{deploymentName}"))
    }
    /// PUT /api/v1/deployments/{deploymentName}: 501 until implemented.
    public func updateDeployment(_ input: Operations.UpdateDeployment.Input) async throws -> Operations.UpdateDeployment.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/deployments/{deploymentName}"))
    }
    /// DELETE /api/v1/deployments/{deploymentName}: 501 until implemented.
    public func deleteDeployment(_ input: Operations.DeleteDeployment.Input) async throws -> Operations.DeleteDeployment.Output {
        .default(statusCode: 501, .notImplemented("DELETE /api/v1/deployments/{deploymentName}"))
    }
    /// GET /api/v1/clusters: 501 until implemented.
    public func listClusters(_ input: Operations.ListClusters.Input) async throws -> Operations.ListClusters.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters"))
    }
    /// GET /api/v1/clusters/{clusterName}/status: 501 until implemented.
    public func getClusterStatus(_ input: Operations.GetClusterStatus.Input) async throws -> Operations.GetClusterStatus.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/status"))
    }
    /// POST /api/v1/clusters/{clusterName}: 501 until implemented.
    public func createCluster(_ input: Operations.CreateCluster.Input) async throws -> Operations.CreateCluster.Output {
        .default(statusCode: 501, .notImplemented("POST /api/v1/clusters/{clusterName}"))
    }
    /// PUT /api/v1/clusters/{clusterName}: 501 until implemented.
    public func updateCluster(_ input: Operations.UpdateCluster.Input) async throws -> Operations.UpdateCluster.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}"))
    }
    /// DELETE /api/v1/clusters/{clusterName}: 501 until implemented.
    public func deleteCluster(_ input: Operations.DeleteCluster.Input) async throws -> Operations.DeleteCluster.Output {
        .default(statusCode: 501, .notImplemented("DELETE /api/v1/clusters/{clusterName}"))
    }
    /// PUT /api/v1/clusters/{clusterName}/start: 501 until implemented.
    public func startCluster(_ input: Operations.StartCluster.Input) async throws -> Operations.StartCluster.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/start"))
    }
    /// PUT /api/v1/clusters/{clusterName}/stop: 501 until implemented.
    public func stopCluster(_ input: Operations.StopCluster.Input) async throws -> Operations.StopCluster.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/stop"))
    }
    /// PUT /api/v1/clusters/{clusterName}/scale: 501 until implemented.
    public func scaleCluster(_ input: Operations.ScaleCluster.Input) async throws -> Operations.ScaleCluster.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/scale"))
    }
    /// GET /api/v1/clusters/{clusterName}/jobs: 501 until implemented.
    public func listJobs(_ input: Operations.ListJobs.Input) async throws -> Operations.ListJobs.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/jobs"))
    }
    /// GET /api/v1/clusters/{clusterName}/jobs/{jobName}/status: 501 until implemented.
    public func getJobStatus(_ input: Operations.GetJobStatus.Input) async throws -> Operations.GetJobStatus.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/jobs/{jobName}/status"))
    }
    /// GET /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoints: 501 until implemented.
    public func listSavepoints(_ input: Operations.ListSavepoints.Input) async throws -> Operations.ListSavepoints.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoints"))
    }
    /// GET /api/v1/clusters/{clusterName}/jobs/{jobName}/details: 501 until implemented.
    public func getJobDetails(_ input: Operations.GetJobDetails.Input) async throws -> Operations.GetJobDetails.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/jobs/{jobName}/details"))
    }
    /// GET /api/v1/clusters/{clusterName}/jobs/{jobName}/metrics: 501 until implemented.
    public func getJobMetrics(_ input: Operations.GetJobMetrics.Input) async throws -> Operations.GetJobMetrics.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/jobs/{jobName}/metrics"))
    }
    /// POST /api/v1/clusters/{clusterName}/jobs/{jobName}: 501 until implemented.
    public func createJob(_ input: Operations.CreateJob.Input) async throws -> Operations.CreateJob.Output {
        .default(statusCode: 501, .notImplemented("POST /api/v1/clusters/{clusterName}/jobs/{jobName}"))
    }
    /// PUT /api/v1/clusters/{clusterName}/jobs/{jobName}: 501 until implemented.
    public func updateJob(_ input: Operations.UpdateJob.Input) async throws -> Operations.UpdateJob.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/jobs/{jobName}"))
    }
    /// DELETE /api/v1/clusters/{clusterName}/jobs/{jobName}: 501 until implemented.
    public func deleteJob(_ input: Operations.DeleteJob.Input) async throws -> Operations.DeleteJob.Output {
        .default(statusCode: 501, .notImplemented("DELETE /api/v1/clusters/{clusterName}/jobs/{jobName}"))
    }
    /// PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/start: 501 until implemented.
    public func startJob(_ input: Operations.StartJob.Input) async throws -> Operations.StartJob.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/start"))
    }
    /// PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/stop: 501 until implemented.
    public func stopJob(_ input: Operations.StopJob.Input) async throws -> Operations.StopJob.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/stop"))
    }
    /// PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/scale: 501 until implemented.
    public func scaleJob(_ input: Operations.ScaleJob.Input) async throws -> Operations.ScaleJob.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/scale"))
    }
    /// PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoint: 501 until implemented.
    public func triggerSavepoint(_ input: Operations.TriggerSavepoint.Input) async throws -> Operations.TriggerSavepoint.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoint"))
    }
    /// DELETE /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoint: 501 until implemented.
    public func forgetSavepoint(_ input: Operations.ForgetSavepoint.Input) async throws -> Operations.ForgetSavepoint.Output {
        .default(statusCode: 501, .notImplemented("DELETE /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoint"))
    }
    /// GET /api/v1/clusters/{clusterName}/jobmanager/metrics: 501 until implemented.
    public func getJobManagerMetrics(_ input: Operations.GetJobManagerMetrics.Input) async throws -> Operations.GetJobManagerMetrics.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/jobmanager/metrics"))
    }
    /// GET /api/v1/clusters/{clusterName}/taskmanagers: 501 until implemented.
    public func listTaskManagers(_ input: Operations.ListTaskManagers.Input) async throws -> Operations.ListTaskManagers.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/taskmanagers"))
    }
    /// GET /api/v1/clusters/{clusterName}/taskmanagers/{taskmanagerId}/details: 501 until implemented.
    public func getTaskManagerDetails(_ input: Operations.GetTaskManagerDetails.Input) async throws -> Operations.GetTaskManagerDetails.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/taskmanagers/{taskmanagerId}/details"))
    }
    /// GET /api/v1/clusters/{clusterName}/taskmanagers/{taskmanagerId}/metrics: 501 until implemented.
    public func getTaskManagerMetrics(_ input: Operations.GetTaskManagerMetrics.Input) async throws -> Operations.GetTaskManagerMetrics.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/clusters/{clusterName}/taskmanagers/{taskmanagerId}/metrics"))
    }
    /// GET /api/v1/cluster/{clusterName}/status: 501 until implemented.
    public func getClusterStatusAlias(_ input: Operations.GetClusterStatusAlias.Input) async throws -> Operations.GetClusterStatusAlias.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/cluster/{clusterName}/status"))
    }
    /// GET /api/v1/cluster/{clusterName}/jobs: 501 until implemented.
    public func listJobsAlias(_ input: Operations.ListJobsAlias.Input) async throws -> Operations.ListJobsAlias.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/cluster/{clusterName}/jobs"))
    }
    /// GET /api/v1/cluster/{clusterName}/jobs/{jobName}/status: 501 until implemented.
    public func getJobStatusAlias(_ input: Operations.GetJobStatusAlias.Input) async throws -> Operations.GetJobStatusAlias.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/cluster/{clusterName}/jobs/{jobName}/status"))
    }
    /// GET /api/v1/cluster/{clusterName}/jobs/{jobName}/details: 501 until implemented.
    public func getJobDetailsAlias(_ input: Operations.GetJobDetailsAlias.Input) async throws -> Operations.GetJobDetailsAlias.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/cluster/{clusterName}/jobs/{jobName}/details"))
    }
    /// GET /api/v1/cluster/{clusterName}/jobs/{jobName}/metrics: 501 until implemented.
    public func getJobMetricsAlias(_ input: Operations.GetJobMetricsAlias.Input) async throws -> Operations.GetJobMetricsAlias.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/cluster/{clusterName}/jobs/{jobName}/metrics"))
    }
    /// GET /api/v1/cluster/{clusterName}/jobmanager/metrics: 501 until implemented.
    public func getJobManagerMetricsAlias(_ input: Operations.GetJobManagerMetricsAlias.Input) async throws -> Operations.GetJobManagerMetricsAlias.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/cluster/{clusterName}/jobmanager/metrics"))
    }
    /// GET /api/v1/cluster/{clusterName}/taskmanagers: 501 until implemented.
    public func listTaskManagersAlias(_ input: Operations.ListTaskManagersAlias.Input) async throws -> Operations.ListTaskManagersAlias.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/cluster/{clusterName}/taskmanagers"))
    }
    /// GET /api/v1/cluster/{clusterName}/taskmanagers/{taskmanagerId}/details: 501 until implemented.
    public func getTaskManagerDetailsAlias(_ input: Operations.GetTaskManagerDetailsAlias.Input) async throws -> Operations.GetTaskManagerDetailsAlias.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/cluster/{clusterName}/taskmanagers/{taskmanagerId}/details"))
    }
    /// GET /api/v1/cluster/{clusterName}/taskmanagers/{taskmanagerId}/metrics: 501 until implemented.
    public func getTaskManagerMetricsAlias(_ input: Operations.GetTaskManagerMetricsAlias.Input) async throws -> Operations.GetTaskManagerMetricsAlias.Output {
        .default(statusCode: 501, .notImplemented("GET /api/v1/cluster/{clusterName}/taskmanagers/{taskmanagerId}/metrics"))
    }
    /// PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoint/trigger: 501 until implemented.
    public func triggerSavepointAlias(_ input: Operations.TriggerSavepointAlias.Input) async throws -> Operations.TriggerSavepointAlias.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoint/trigger"))
    }
    /// PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoint/forget: 501 until implemented.
    public func forgetSavepointAlias(_ input: Operations.ForgetSavepointAlias.Input) async throws -> Operations.ForgetSavepointAlias.Output {
        .default(statusCode: 501, .notImplemented("PUT /api/v1/clusters/{clusterName}/jobs/{jobName}/savepoint/forget"))
    }
    /// GET /supervisor/v1/cluster/overview: 501 until implemented.
    public func getSupervisedClusterOverview(
        _ input: Operations.GetSupervisedClusterOverview.Input
    ) async throws -> Operations.GetSupervisedClusterOverview.Output {
        .default(statusCode: 501, .notImplemented("GET /supervisor/v1/cluster/overview"))
    }
    /// GET /supervisor/v1/jobmanager/metrics: 501 until implemented.
    public func getSupervisedJobManagerMetrics(
        _ input: Operations.GetSupervisedJobManagerMetrics.Input
    ) async throws -> Operations.GetSupervisedJobManagerMetrics.Output {
        .default(statusCode: 501, .notImplemented("GET /supervisor/v1/jobmanager/metrics"))
    }
    /// GET /supervisor/v1/jobs/{jobName}/details: 501 until implemented.
    public func getSupervisedJobDetails(_ input: Operations.GetSupervisedJobDetails.Input) async throws -> Operations.GetSupervisedJobDetails.Output {
        .default(statusCode: 501, .notImplemented("GET /supervisor/v1/jobs/{jobName}/details"))
    }
    /// GET /supervisor/v1/jobs/{jobName}/metrics: 501 until implemented.
    public func getSupervisedJobMetrics(_ input: Operations.GetSupervisedJobMetrics.Input) async throws -> Operations.GetSupervisedJobMetrics.Output {
        .default(statusCode: 501, .notImplemented("GET /supervisor/v1/jobs/{jobName}/metrics"))
    }
    /// POST /supervisor/v1/jobs/{jobName}/bootstrap-report: 501 until implemented.
    public func reportBootstrap(_ input: Operations.ReportBootstrap.Input) async throws -> Operations.ReportBootstrap.Output {
        .default(statusCode: 501, .notImplemented("POST /supervisor/v1/jobs/{jobName}/bootstrap-report"))
    }
    /// GET /supervisor/v1/taskmanagers: 501 until implemented.
    public func listSupervisedTaskManagers(_ input: Operations.ListSupervisedTaskManagers.Input) async throws -> Operations.ListSupervisedTaskManagers.Output {
        .default(statusCode: 501, .notImplemented("GET /supervisor/v1/taskmanagers"))
    }
    /// GET /supervisor/v1/taskmanagers/{taskmanagerId}/details: 501 until implemented.
    public func getSupervisedTaskManagerDetails(
        _ input: Operations.GetSupervisedTaskManagerDetails.Input
    ) async throws -> Operations.GetSupervisedTaskManagerDetails.Output {
        .default(statusCode: 501, .notImplemented("GET /supervisor/v1/taskmanagers/{taskmanagerId}/details"))
    }
    /// GET /supervisor/v1/taskmanagers/{taskmanagerId}/metrics: 501 until implemented.
    public func getSupervisedTaskManagerMetrics(
        _ input: Operations.GetSupervisedTaskManagerMetrics.Input
    ) async throws -> Operations.GetSupervisedTaskManagerMetrics.Output {
        .default(statusCode: 501, .notImplemented("GET /supervisor/v1/taskmanagers/{taskmanagerId}/metrics"))
    }
    /// POST /supervisor/v1/reconcile: 501 until implemented.
    public func nudgeSupervisor(_ input: Operations.NudgeSupervisor.Input) async throws -> Operations.NudgeSupervisor.Output {
        .default(statusCode: 501, .notImplemented("POST /supervisor/v1/reconcile"))
    }
    /// GET /bootstrap/v1/progress: 501 until implemented.
    public func getBootstrapProgress(_ input: Operations.GetBootstrapProgress.Input) async throws -> Operations.GetBootstrapProgress.Output {
        .default(statusCode: 501, .notImplemented("GET /bootstrap/v1/progress"))
    }
}
