import Foundation
import Prometheus
import Synchronization

/// Standard `process_*` metrics read from `/proc/self` at scrape time (Linux); absent values stay 0 elsewhere.
final class ProcessMetricsCollector: Sendable {
    private let residentMemory: Gauge
    private let virtualMemory: Gauge
    private let openFileDescriptors: Gauge
    private let threads: Gauge
    private let cpuSeconds: Counter
    private let cpuSecondsReported = Mutex<Double>(0)

    init(registry: PrometheusCollectorRegistry) {
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(metricName: name, helpText: help))
        }
        residentMemory = gauge("process_resident_memory_bytes", "Resident memory size in bytes.")
        virtualMemory = gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.")
        openFileDescriptors = gauge("process_open_fds", "Number of open file descriptors.")
        threads = gauge("process_threads", "Number of OS threads in the process.")
        cpuSeconds = registry.makeCounter(
            descriptor: .init(metricName: "process_cpu_seconds_total", helpText: "Total user and system CPU time spent in seconds.")
        )
        gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.")
            .set(Date().timeIntervalSince1970)
    }

    /// Reads `/proc/self/stat` and `/proc/self/fd` and updates the metrics.
    func refresh() {
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFileDescriptors.set(Double(fds.count))
        }
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let fields = ProcessMetricsCollector.statFields(stat)
        else { return }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        // Fields after the command name: utime is index 11, stime 12, num_threads 17, vsize 20, rss 21.
        if fields.count > 21, let utime = Double(fields[11]), let stime = Double(fields[12]) {
            let total = (utime + stime) / ticks
            let delta = cpuSecondsReported.withLock { reported -> Double in
                let delta = max(0, total - reported)
                reported = max(reported, total)
                return delta
            }
            if delta > 0 { cpuSeconds.increment(by: delta) }
            threads.set(Double(fields[17]) ?? 0)
            virtualMemory.set(Double(fields[20]) ?? 0)
            residentMemory.set((Double(fields[21]) ?? 0) * pageSize)
        }
    }

    /// The space-separated fields of `/proc/self/stat` after the parenthesised command name.
    static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}
