import Hummingbird
import Prometheus

/// Counts requests and measures their latency per listener: `toolbox_http_requests_total{listener,method,code}`
/// and `toolbox_http_request_duration_seconds{listener}`.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let metrics: MetricsRegistry
    private let listener: String
    private let duration: DurationHistogram

    /// Creates the middleware for the listener named `listener` (`api` or `monitoring`).
    public init(metrics: MetricsRegistry, listener: String) {
        self.metrics = metrics
        self.listener = listener
        self.duration = metrics.durationHistogram(
            "toolbox_http_request_duration_seconds", help: "Latency of HTTP requests served.", labels: [("listener", listener)]
        )
    }

    /// Serves the request and records its outcome.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var code = 500
        defer {
            duration.record(ContinuousClock.now - start)
            metrics.counter(
                "toolbox_http_requests_total", help: "HTTP requests served, by listener, method and status code.",
                labels: [("listener", listener), ("method", request.method.rawValue), ("code", String(code))]
            ).increment()
        }
        let response = try await next(request, context)
        code = response.status.code
        return response
    }
}
