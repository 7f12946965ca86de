import Foundation
import Prometheus

/// The Prometheus metrics of one process. Every metric has help text and every counter ends in `_total`,
/// so the exposition passes `promtool check metrics`.
public final class MetricsRegistry: Sendable {
    /// The underlying collector registry.
    public let registry = PrometheusCollectorRegistry()
    private let process: ProcessMetricsCollector

    /// Creates a registry carrying `toolbox_build_info` and the standard `process_*` metrics.
    public init(component: String, version: String) {
        self.process = ProcessMetricsCollector(registry: registry)
        registry.makeGauge(
            descriptor: .init(metricName: "toolbox_build_info", helpText: "Build information; always 1."),
            labels: [("component", component), ("version", version)]
        ).set(1.0)
    }

    /// A counter; `name` must end in `_total`.
    public func counter(_ name: String, help: String, labels: [(String, String)] = []) -> Counter {
        precondition(name.hasSuffix("_total"), "counter \(name) must end in _total")
        return registry.makeCounter(descriptor: .init(metricName: name, helpText: help), labels: labels)
    }

    /// A gauge; `name` must not end in `_total`.
    public func gauge(_ name: String, help: String, labels: [(String, String)] = []) -> Gauge {
        precondition(!name.hasSuffix("_total"), "gauge \(name) must not end in _total")
        return registry.makeGauge(descriptor: .init(metricName: name, helpText: help), labels: labels)
    }

    /// A histogram of durations in seconds.
    public func durationHistogram(
        _ name: String, help: String, labels: [(String, String)] = [], buckets: [Duration] = MetricsRegistry.latencyBuckets
    ) -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: .init(metricName: name, helpText: help), labels: labels, buckets: buckets)
    }

    /// The Prometheus text exposition (format 0.0.4), with the process metrics refreshed first.
    public func exposition() -> String {
        process.refresh()
        return registry.emitToString()
    }

    /// Buckets for savepoint durations, from 1 s to 30 min (a savepoint takes seconds to minutes).
    public static let savepointBuckets: [Duration] = [
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(20), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
        .seconds(600), .seconds(1200), .seconds(1800),
    ]

    /// Buckets for request latencies, from 1 ms to 10 s.
    public static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]
}
