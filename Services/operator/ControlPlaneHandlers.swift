import ServiceKit

/// Handlers of the control plane (`/api/v1`). Routes are implemented by the operator issue; until then each
/// answers 501 with a JSON error body (see `ToolboxAPIHandlers`).
struct ControlPlaneHandlers: ToolboxAPIHandlers {}
