import Foundation
import Logging
import Synchronization

/// Leader election over a coordination.k8s.io Lease: at most one of the processes with the same lease leads.
///
/// `run` campaigns every `retryPeriod`; while it leads it runs `whileLeading` and renews the lease; if renewal fails
/// for `renewDeadline` it cancels `whileLeading` and campaigns again. On cancellation it releases the lease so a
/// successor takes over at once.
///
/// A candidate counts another holder's lease as expired `leaseDuration` after it last saw the lease record change, by its
/// own monotonic clock (`LeaseObservation`), so skewed wall clocks neither steal nor strand leadership. Every failed
/// read or write of the Lease is logged at warning (identical repeats at most once per 30 s) and kept in `lastError`.
public final class LeaderElector: Sendable {
    private let client: KubeClient
    let name: String
    let namespace: String
    /// Who this process is in the lease's `holderIdentity`.
    public let identity: String
    private let timing: LeaderElectionTiming
    let logger: Logger
    private let leading = Mutex(false)
    private let observation = Mutex<LeaseObservation?>(nil)
    /// The state of failed Lease calls (see `LeaderElector+Errors.swift`).
    let failures = Mutex(LeaseFailures())

    /// An elector for lease `name` in `namespace`.
    public init(client: KubeClient, name: String, namespace: String, identity: String, timing: LeaderElectionTiming, logger: Logger) {
        self.client = client
        self.name = name
        self.namespace = namespace
        self.identity = identity
        self.timing = timing
        self.logger = logger
    }

    /// Whether this process leads now.
    public var isLeader: Bool { leading.withLock { $0 } }

    /// Campaigns, leads and renews until cancelled; `whileLeading` runs each time leadership is gained.
    /// With `releaseOnCancel` (the default) a cancelled leader releases the lease so a successor need not wait.
    public func run(releaseOnCancel: Bool = true, whileLeading: @escaping @Sendable () async throws -> Void) async throws {
        while !Task.isCancelled {
            guard await tryAcquire() else {
                try? await Task.sleep(for: timing.retryPeriod)  // cancelled while waiting: the loop ends, no error
                continue
            }
            leading.withLock { $0 = true }
            logger.info("became leader", metadata: ["lease": "\(namespace)/\(name)", "identity": "\(identity)"])
            let outcome = await lead(whileLeading)
            leading.withLock { $0 = false }
            if Task.isCancelled || outcome == .workEnded {
                // A fresh task: the cancelled one's requests would be cancelled too.
                if releaseOnCancel || outcome == .workEnded { await Task { await self.release() }.value }
                return
            }
            logger.warning("lost leadership", metadata: ["lease": "\(namespace)/\(name)"])
        }
    }

    private enum LeadOutcome { case workEnded, leaseLost }

    /// Runs `work` while renewing; returns when renewal failed past the deadline, `work` ended, or on cancellation.
    private func lead(_ work: @escaping @Sendable () async throws -> Void) async -> LeadOutcome {
        await withTaskGroup(of: LeadOutcome.self) { group in
            group.addTask { [logger] in
                do { try await work() } catch is CancellationError {} catch { logger.error("leader work failed: \(error)") }
                return .workEnded
            }
            group.addTask {
                await self.renewUntilLost()
                return .leaseLost
            }
            let first = await group.next() ?? .leaseLost
            group.cancelAll()
            return first
        }
    }

    private func renewUntilLost() async {
        var lastRenewal = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: timing.retryPeriod)
            if Task.isCancelled { return }
            if await tryAcquire() {
                lastRenewal = .now
            } else if ContinuousClock.now - lastRenewal > timing.renewDeadline {
                return
            }
        }
    }

    /// One attempt to acquire or renew; `true` when we hold the lease afterwards, `false` when another holder's lease
    /// is live or a Lease call failed (recorded and logged by `leaseCall`).
    private func tryAcquire() async -> Bool {
        do { return try await acquire() } catch { return false }
    }

    /// One attempt to acquire or renew; `true` when we hold the lease afterwards.
    func acquire() async throws -> Bool {
        let existing = try await leaseCall("read") { try await client.getIfPresent(Lease.self, name: name, namespace: namespace) }
        let now = ContinuousClock.now
        let seen = observation.withLock { last in
            let seen = last?.updated(with: existing, at: now) ?? LeaseObservation(lease: existing, at: now)
            last = seen
            return seen
        }
        let written: Lease
        let unchangedFor = seen.unchangedFor(at: now)
        switch LeaseDecision.decide(lease: existing?.spec, identity: identity, now: Date(), unchangedFor: unchangedFor, timing: timing) {
        case .wait:
            return false
        case .create(let spec):
            let lease = Lease(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec)
            written = try await leaseCall("create") { try await client.create(lease) }
        case .update(let spec):
            guard var lease = existing else { return false }
            lease.spec = spec
            // Conditional on the observed resourceVersion: a race loses with 409.
            written = try await leaseCall("update") { [lease] in try await client.update(lease) }
        }
        observation.withLock { $0 = LeaseObservation(lease: written, at: .now) }
        return true
    }

    private func release() async {
        let read = try? await leaseCall("read") { try await client.getIfPresent(Lease.self, name: name, namespace: namespace) }
        guard var lease = read, lease.spec.holderIdentity == identity else { return }
        lease.spec = LeaseDecision.released(lease.spec, now: Date())
        guard (try? await leaseCall("release") { [lease] in try await client.update(lease) }) != nil else { return }
        logger.info("released leadership", metadata: ["lease": "\(namespace)/\(name)"])
    }
}
