import ToolboxAPI

/// A response whose body is the original's envelope.
protocol EnvelopeResponse {
    /// The response carrying `envelope`.
    static func envelope(_ envelope: Components.Schemas.Envelope) -> Self
}

/// An operation output with an envelope on success and an `ErrorEnvelope` for every failure.
protocol EnvelopeOutput {
    associatedtype Success: EnvelopeResponse
    static func ok(_ response: Success) -> Self
    static func `default`(statusCode: Int, _ response: Components.Responses.Failure) -> Self
}

extension Components.Responses.Done: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.NameList: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.DeploymentStatus: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.ClusterStatus: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.JobStatus: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.Savepoints: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.JobDetails: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.JobMetrics: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.ProcessMetrics: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.TaskManagerList: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }
extension Components.Responses.TaskManagerDetails: EnvelopeResponse { static func envelope(_ e: Components.Schemas.Envelope) -> Self { .init(body: .json(e)) } }

extension Operations.ListDeployments.Output: EnvelopeOutput {}
extension Operations.GetDeploymentStatus.Output: EnvelopeOutput {}
extension Operations.CreateDeployment.Output: EnvelopeOutput {}
extension Operations.UpdateDeployment.Output: EnvelopeOutput {}
extension Operations.DeleteDeployment.Output: EnvelopeOutput {}
extension Operations.ListClusters.Output: EnvelopeOutput {}
extension Operations.GetClusterStatus.Output: EnvelopeOutput {}
extension Operations.GetClusterStatusAlias.Output: EnvelopeOutput {}
extension Operations.CreateCluster.Output: EnvelopeOutput {}
extension Operations.UpdateCluster.Output: EnvelopeOutput {}
extension Operations.DeleteCluster.Output: EnvelopeOutput {}
extension Operations.StartCluster.Output: EnvelopeOutput {}
extension Operations.StopCluster.Output: EnvelopeOutput {}
extension Operations.ScaleCluster.Output: EnvelopeOutput {}
extension Operations.ListJobs.Output: EnvelopeOutput {}
extension Operations.ListJobsAlias.Output: EnvelopeOutput {}
extension Operations.GetJobStatus.Output: EnvelopeOutput {}
extension Operations.GetJobStatusAlias.Output: EnvelopeOutput {}
extension Operations.ListSavepoints.Output: EnvelopeOutput {}
extension Operations.GetJobDetails.Output: EnvelopeOutput {}
extension Operations.GetJobDetailsAlias.Output: EnvelopeOutput {}
extension Operations.GetJobMetrics.Output: EnvelopeOutput {}
extension Operations.GetJobMetricsAlias.Output: EnvelopeOutput {}
extension Operations.CreateJob.Output: EnvelopeOutput {}
extension Operations.UpdateJob.Output: EnvelopeOutput {}
extension Operations.DeleteJob.Output: EnvelopeOutput {}
extension Operations.StartJob.Output: EnvelopeOutput {}
extension Operations.StopJob.Output: EnvelopeOutput {}
extension Operations.ScaleJob.Output: EnvelopeOutput {}
extension Operations.TriggerSavepoint.Output: EnvelopeOutput {}
extension Operations.TriggerSavepointAlias.Output: EnvelopeOutput {}
extension Operations.ForgetSavepoint.Output: EnvelopeOutput {}
extension Operations.ForgetSavepointAlias.Output: EnvelopeOutput {}
extension Operations.GetJobManagerMetrics.Output: EnvelopeOutput {}
extension Operations.GetJobManagerMetricsAlias.Output: EnvelopeOutput {}
extension Operations.ListTaskManagers.Output: EnvelopeOutput {}
extension Operations.ListTaskManagersAlias.Output: EnvelopeOutput {}
extension Operations.GetTaskManagerDetails.Output: EnvelopeOutput {}
extension Operations.GetTaskManagerDetailsAlias.Output: EnvelopeOutput {}
extension Operations.GetTaskManagerMetrics.Output: EnvelopeOutput {}
extension Operations.GetTaskManagerMetricsAlias.Output: EnvelopeOutput {}
