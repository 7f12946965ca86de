import AsyncHTTPClient
import Synchronization

/// An AsyncHTTPClient whose TLS material follows a `TLSReloader`: once the reloader has loaded new material, the next
/// `current()` makes a client with it (new connections, new certificate), and the previous client is shut down after
/// `drain` (its requests in flight finish on their open connections). Without a reloader it is one plain client.
public final class ReloadingHTTPClient: Sendable {
    private let reloader: TLSReloader?
    private let base: HTTPClient.Configuration
    private let drain: Duration
    private let state: Mutex<(generation: Int, client: HTTPClient, retired: [HTTPClient])>

    /// Clients configured like `configuration`, with the reloader's client TLS configuration.
    public init(configuration: HTTPClient.Configuration, reloader: TLSReloader?, drain: Duration = .seconds(60)) {
        self.reloader = reloader
        base = configuration
        self.drain = drain
        let generation = reloader?.generation ?? 0
        state = Mutex((generation, Self.make(configuration, reloader), []))
    }

    /// The client to use now.
    public func current() -> HTTPClient {
        guard let reloader else { return state.withLock { $0.client } }
        let generation = reloader.generation
        let (client, retired) = state.withLock { state -> (HTTPClient, HTTPClient?) in
            guard state.generation != generation else { return (state.client, nil) }
            let old = state.client
            state = (generation, Self.make(base, reloader), state.retired + [old])
            return (state.client, old)
        }
        if let retired { retire(retired) }
        return client
    }

    /// Shuts every client down.
    public func shutdown() async {
        let clients = state.withLock { state -> [HTTPClient] in
            defer { state.retired = [] }
            return [state.client] + state.retired
        }
        for client in clients { try? await client.shutdown() }
    }

    private func retire(_ client: HTTPClient) {
        let drain = self.drain
        Task { [weak self] in
            try? await Task.sleep(for: drain)
            guard let self else { return }
            let due = self.state.withLock { state -> Bool in
                guard let index = state.retired.firstIndex(where: { $0 === client }) else { return false }
                state.retired.remove(at: index)
                return true
            }
            if due { try? await client.shutdown() }
        }
    }

    private static func make(_ configuration: HTTPClient.Configuration, _ reloader: TLSReloader?) -> HTTPClient {
        var configuration = configuration
        if let reloader { configuration.tlsConfiguration = reloader.clientConfiguration }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
