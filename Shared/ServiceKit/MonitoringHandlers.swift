import OpenAPIRuntime
import ToolboxAPI

/// Handlers of the monitoring listener: `/version` and `/metrics`.
struct MonitoringHandlers: ToolboxAPIHandlers {
    let component: Component
    let metrics: MetricsRegistry

    /// `{"name":"flink-k8s-toolbox","version":...,"component":...}`.
    func getVersion(_ input: Operations.GetVersion.Input) async throws -> Operations.GetVersion.Output {
        .ok(.init(body: .json(.init(name: ToolboxVersion.name, version: ToolboxVersion.version, component: component.rawValue))))
    }

    /// The Prometheus text exposition of the process.
    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(metrics.exposition()))))
    }
}
