import Hummingbird
import Prometheus
import Synchronization

/// Counts requests and measures their latency per listener: `toolbox_http_requests_total{listener,method,code}`
/// and `toolbox_http_request_duration_seconds{listener}`.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let metrics: MetricsRegistry
    private let listener: String
    private let duration: DurationHistogram
    /// The request counters by method and code, made once each (the registry builds and looks up a key per call).
    private let counters = CounterCache()

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
            let (metrics, listener, method) = (metrics, listener, request.method.rawValue)
            counters.counter(method: method, code: code) {
                metrics.counter(
                    "toolbox_http_requests_total", help: "HTTP requests served, by listener, method and status code.",
                    labels: [("listener", listener), ("method", method), ("code", String(code))]
                )
            }.increment()
        }
        let response = try await next(request, context)
        code = response.status.code
        return response
    }
}

/// Counters by method and status code.
final class CounterCache: Sendable {
    private struct Key: Hashable {
        let method: String
        let code: Int
    }
    private let counters = Mutex<[Key: Counter]>([:])

    /// The counter of `method` and `code`, made by `make` the first time.
    func counter(method: String, code: Int, make: () -> Counter) -> Counter {
        let key = Key(method: method, code: code)
        if let counter = counters.withLock({ $0[key] }) { return counter }
        let counter = make()
        counters.withLock { $0[key] = counter }
        return counter
    }
}
