import Foundation
import KubeModels
import ToolboxAPI

/// What the operator does for a FlinkDeployment; the executor turns each into one Kubernetes call.
public enum DeploymentAction: Sendable, Equatable {
    /// Add the operator finalizer (nothing else happens in that pass).
    case addFinalizer
    /// Remove the operator finalizer (the deletion then completes).
    case removeFinalizer
    case createCluster(FlinkCluster)
    /// Replace the cluster's spec sections that changed (JSON patch `add` on each section).
    case patchCluster(name: String, operations: [JSONPatchOperation])
    case deleteCluster(name: String)
    case createJob(FlinkJob)
    /// Replace the job's spec sections that changed.
    case patchJob(name: String, operations: [JSONPatchOperation])
    case deleteJob(name: String)
    /// Write the status subresource.
    case updateStatus(Components.Schemas.FlinkDeploymentStatus)
    /// Record a Kubernetes Event on the deployment.
    case event(warning: Bool, reason: String, message: String)
}

/// What the operator sees of a FlinkDeployment and its children.
public struct DeploymentObservation: Sendable {
    public var deployment: FlinkDeployment
    /// The FlinkCluster named like the deployment, owned or not.
    public var cluster: FlinkCluster?
    /// Every FlinkJob named `<deployment>-<job>` or owned by the deployment.
    public var jobs: [FlinkJob]
    public var now: Date

    /// An observation.
    public init(deployment: FlinkDeployment, cluster: FlinkCluster?, jobs: [FlinkJob], now: Date) {
        self.deployment = deployment
        self.cluster = cluster
        self.jobs = jobs
        self.now = now
    }
}
