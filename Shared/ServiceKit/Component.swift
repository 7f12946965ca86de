/// The three toolbox executables, with the defaults that tell them apart.
public enum Component: String, Sendable, CaseIterable {
    /// Watches the custom resources, runs supervisors and serves the control plane.
    case `operator`
    /// Runs the state machines of one FlinkCluster and its jobs.
    case supervisor
    /// Uploads and runs one job's JAR, then reports the job id.
    case bootstrap

    /// Default port of the component's HTTPS API.
    public var defaultPort: Int {
        switch self {
        case .operator: return 4444
        case .supervisor: return 4445
        case .bootstrap: return 4446
        }
    }

    /// Path prefix of the part of the contract this component serves on its API port.
    public var apiPrefix: String {
        switch self {
        case .operator: return "/api/v1"
        case .supervisor: return "/supervisor/v1"
        case .bootstrap: return "/bootstrap/v1"
        }
    }
}

/// The product's name and version as `/version` reports them.
public enum ToolboxVersion {
    /// Product name.
    public static let name = "flink-k8s-toolbox"
    /// Product version.
    public static let version = "1.5.0"
}
