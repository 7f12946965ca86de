import ServiceKit

/// Handlers of the supervisor's internal API (`/supervisor/v1`). Routes are implemented by the supervisor
/// issue; until then each answers 501 with a JSON error body (see `ToolboxAPIHandlers`).
struct SupervisorHandlers: ToolboxAPIHandlers {}
