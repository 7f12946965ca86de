import Foundation
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

/// TLS material that follows its files: cert-manager (or anyone) renews a mounted Secret in place, Kubernetes swaps the
/// files, and the next connection uses the new certificate, key and CA without a restart. Connections already open keep
/// the material they were made with until they close.
///
/// The files are read again every `interval` (a mounted Secret changes by an atomic symlink swap, so a read sees the
/// old or the new set, and a half-written set fails to load and is retried). Material that does not load keeps the
/// previous one in use and is logged; it is never half applied.
public final class TLSReloader: Sendable {
    /// Where the material comes from.
    public let files: TLSFiles
    private let verifyHostname: Bool
    private let state: Mutex<Material>

    /// The loaded material and what it was loaded from.
    private struct Material {
        var fingerprint: [Data]
        var serverContext: NIOSSLContext?
        var clientConfiguration: TLSConfiguration
        var generation: Int
    }

    /// Loads `files` now (throwing when they do not load: a process must not start without its identity). `server`
    /// also builds the server context; clients verify host names when `verifyHostname`.
    public init(files: TLSFiles, server: Bool, verifyHostname: Bool = false) throws {
        self.files = files
        self.verifyHostname = verifyHostname
        state = Mutex(try Self.load(files, server: server, verifyHostname: verifyHostname, generation: 1))
    }

    /// The server context for the next accepted connection (nil for a client-only reloader).
    public var serverContext: NIOSSLContext? { state.withLock { $0.serverContext } }

    /// The client configuration for the next connection.
    public var clientConfiguration: TLSConfiguration { state.withLock { $0.clientConfiguration } }

    /// How many times material was loaded (1 after `init`); a client compares it to know when to reconnect.
    public var generation: Int { state.withLock { $0.generation } }

    /// What a reload did.
    public enum Outcome: Equatable, Sendable {
        /// The files did not change.
        case unchanged
        /// New material is in use.
        case reloaded(generation: Int)
        /// The files changed but do not load; the previous material stays in use.
        case failed(String)
    }

    /// Reads the files again and, when they changed and load, puts the new material in use.
    @discardableResult
    public func reload() -> Outcome {
        let fingerprint = Self.fingerprint(files)
        let (unchanged, server, generation) = state.withLock { ($0.fingerprint == fingerprint, $0.serverContext != nil, $0.generation) }
        if unchanged { return .unchanged }
        do {
            let material = try Self.load(files, server: server, verifyHostname: verifyHostname, generation: generation + 1)
            state.withLock { $0 = material }
            return .reloaded(generation: generation + 1)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Reloads every `interval` until the task is cancelled, logging each change.
    public func follow(every interval: Duration = .seconds(10), logger: Logger) async {
        var lastFailure: String?
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            switch reload() {
            case .unchanged: break
            case .reloaded(let generation):
                lastFailure = nil
                logger.notice("TLS material reloaded", metadata: ["tls": "\(files.summary)", "generation": "\(generation)"])
            case .failed(let reason):
                if reason != lastFailure {
                    logger.error("changed TLS material does not load; the previous stays in use", metadata: ["reason": "\(reason)"])
                }
                lastFailure = reason
            }
        }
    }

    private static func load(_ files: TLSFiles, server: Bool, verifyHostname: Bool, generation: Int) throws -> Material {
        // The fingerprint is taken before loading: a change during the load is seen by the next reload.
        let fingerprint = fingerprint(files)
        let serverContext = server ? try NIOSSLContext(configuration: files.serverConfiguration()) : nil
        return Material(
            fingerprint: fingerprint, serverContext: serverContext,
            clientConfiguration: try files.clientConfiguration(verifyHostname: verifyHostname), generation: generation
        )
    }

    /// The files' contents (small PEM or PKCS#12 files); an unreadable file counts as empty.
    private static func fingerprint(_ files: TLSFiles) -> [Data] {
        let paths: [String] =
            switch files.source {
            case .pem(let certificate, let privateKey, let authority): [certificate, privateKey, authority]
            case .pkcs12(let keystore, _, let truststore, _): [keystore, truststore]
            }
        return paths.map { FileManager.default.contents(atPath: $0) ?? Data() }
    }
}

extension TLSReloader {
    /// Follows a reloader's files while the process runs (ends at graceful shutdown): a service of the process's group.
    public struct Follower: Service {
        let reloader: TLSReloader
        let interval: Duration
        let logger: Logger

        /// Follows `reloader` every `interval`.
        public init(reloader: TLSReloader, interval: Duration, logger: Logger) {
            self.reloader = reloader
            self.interval = interval
            self.logger = logger
        }

        /// Reloads until graceful shutdown.
        public func run() async throws {
            await cancelWhenGracefulShutdown {
                await reloader.follow(every: interval, logger: logger)
            }
        }
    }
}
