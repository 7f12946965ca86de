import Foundation

/// Timing of leader election.
public struct LeaderElectionTiming: Sendable, Hashable {
    /// How long a lease holds without renewal; candidates wait this long after the last renewal.
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
    /// Decides what `identity` does with `lease` at `now`.
    ///
    /// A lease is live while `renewTime + leaseDurationSeconds` is in the future. Taking over an expired or released
    /// lease counts a transition.
    public static func decide(lease: LeaseSpec?, identity: String, now: Date, timing: LeaderElectionTiming) -> LeaseAction {
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
        if !holder.isEmpty, !isExpired(lease, now: now) {
            return .wait(holder: holder)
        }
        return .update(
            LeaseSpec(
                holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: nowText, renewTime: nowText,
                leaseTransitions: (lease.leaseTransitions ?? 0) + 1
            )
        )
    }

    /// Whether `lease` is no longer held at `now` (unparseable times count as expired).
    public static func isExpired(_ lease: LeaseSpec, now: Date) -> Bool {
        guard let renew = lease.renewTime.flatMap(KubeJSON.parseTimestamp) else { return true }
        return renew.addingTimeInterval(TimeInterval(lease.leaseDurationSeconds ?? 0)) <= now
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
