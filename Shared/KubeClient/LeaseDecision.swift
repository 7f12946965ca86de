import Foundation

/// Timing of leader election.
public struct LeaderElectionTiming: Sendable, Hashable {
    /// How long a lease holds without renewal; candidates wait this long after they last saw the lease change.
    public var leaseDuration: Duration
    /// The leader gives up if it could not renew for this long (must be shorter than `leaseDuration`).
    public var renewDeadline: Duration
    /// How often candidates try to acquire and the leader renews.
    public var retryPeriod: Duration

    /// Timing with the given durations.
    public init(leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2)) {
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }
}

/// What a candidate does with the lease it observed.
public enum LeaseAction: Equatable, Sendable {
    /// No lease exists: create one held by us.
    case create(LeaseSpec)
    /// We hold it (renew) or it expired (take over): write this spec, conditional on the observed resourceVersion.
    case update(LeaseSpec)
    /// Someone else holds a live lease.
    case wait(holder: String)
}

/// The pure decision of leader election.
public enum LeaseDecision {
    /// Decides what `identity` does with `lease`, which it has seen unchanged for `unchangedFor` (by its own monotonic
    /// clock, see `LeaseObservation`); `now` is only written into the spec (`renewTime`, `acquireTime`), never compared.
    ///
    /// Another holder's lease is live until it has been seen unchanged for its `leaseDurationSeconds` (ours when it has
    /// none). Taking over an expired or released lease counts a transition.
    public static func decide(
        lease: LeaseSpec?, identity: String, now: Date, unchangedFor: Duration, timing: LeaderElectionTiming
    ) -> LeaseAction {
        let nowText = KubeJSON.formatMicroTimestamp(now)
        let seconds = Int((timing.leaseDuration / .seconds(1)).rounded(.up))
        guard let lease else {
            return .create(LeaseSpec(holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: nowText, renewTime: nowText, leaseTransitions: 0))
        }
        let holder = lease.holderIdentity ?? ""
        if holder == identity {
            var renewed = lease
            renewed.renewTime = nowText
            renewed.leaseDurationSeconds = seconds
            return .update(renewed)
        }
        if !holder.isEmpty, !isExpired(lease, unchangedFor: unchangedFor, timing: timing) {
            return .wait(holder: holder)
        }
        return .update(
            LeaseSpec(
                holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: nowText, renewTime: nowText,
                leaseTransitions: (lease.leaseTransitions ?? 0) + 1
            )
        )
    }

    /// Whether `lease`, seen unchanged for `unchangedFor`, is no longer held: its `leaseDurationSeconds` (or, when it has
    /// none, `timing.leaseDuration`) have passed without a change.
    public static func isExpired(_ lease: LeaseSpec, unchangedFor: Duration, timing: LeaderElectionTiming) -> Bool {
        let duration = lease.leaseDurationSeconds.flatMap { $0 > 0 ? Duration.seconds($0) : nil } ?? timing.leaseDuration
        return unchangedFor >= duration
    }

    /// The spec that releases a lease we hold, so a successor need not wait for expiry.
    public static func released(_ lease: LeaseSpec, now: Date) -> LeaseSpec {
        var released = lease
        released.holderIdentity = ""
        released.leaseDurationSeconds = 1
        released.renewTime = KubeJSON.formatMicroTimestamp(now)
        return released
    }
}
