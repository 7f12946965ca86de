import FlinkClient
import KubeClient

/// Flink errors classify themselves for the shared `ErrorPolicy` (FlinkClient cannot import KubeClient, so the
/// conformance is declared where both meet).
extension FlinkError: ClassifiedError {}
