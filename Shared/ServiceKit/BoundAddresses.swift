import NIOCore
import Synchronization

/// The ports the listeners actually bound (useful with port 0), published once each listener runs.
public final class BoundAddresses: Sendable {
    private let state = Mutex<(api: Int?, monitoring: Int?)>((nil, nil))

    /// Creates an empty record.
    public init() {}

    /// Port of the HTTPS (or plain, without TLS) API listener, once bound.
    public var apiPort: Int? { state.withLock { $0.api } }

    /// Port of the monitoring listener, once bound.
    public var monitoringPort: Int? { state.withLock { $0.monitoring } }

    func record(api channel: any Channel) {
        let port = channel.localAddress?.port
        state.withLock { $0.api = port }
    }

    func record(monitoring channel: any Channel) {
        let port = channel.localAddress?.port
        state.withLock { $0.monitoring = port }
    }

    /// Waits until both listeners are bound, checking every 10 ms, for at most `timeout`.
    public func waitUntilBound(timeout: Duration = .seconds(30)) async throws -> (api: Int, monitoring: Int) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let api = apiPort, let monitoring = monitoringPort { return (api, monitoring) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }
}
