/// What a candidate last saw of a Lease record, and when it first saw it, by its own monotonic clock.
///
/// Candidates never compare the holder's `renewTime` with their own clock (the two machines' clocks may disagree by
/// hours). As client-go does, a lease counts as renewed whenever its record changes, and expires `leaseDuration` after
/// the candidate last saw it change.
public struct LeaseObservation: Sendable, Equatable {
    /// The spec seen (`nil`: no lease existed).
    public var spec: LeaseSpec?
    /// The resourceVersion seen.
    public var resourceVersion: String?
    /// When this record was first seen, on the candidate's monotonic clock.
    public var observedAt: ContinuousClock.Instant

    /// An observation of `lease` made at `now`.
    public init(lease: Lease?, at now: ContinuousClock.Instant) {
        self.spec = lease?.spec
        self.resourceVersion = lease?.metadata.resourceVersion
        self.observedAt = now
    }

    /// The observation after reading `lease` at `now`: unchanged (keeping when it was first seen) when the record is the
    /// one seen before, otherwise a new one starting at `now`.
    public func updated(with lease: Lease?, at now: ContinuousClock.Instant) -> LeaseObservation {
        lease?.spec == spec && lease?.metadata.resourceVersion == resourceVersion ? self : LeaseObservation(lease: lease, at: now)
    }

    /// How long the record has been seen unchanged at `now`.
    public func unchangedFor(at now: ContinuousClock.Instant) -> Duration { now - observedAt }
}
