import Foundation
import KubeClient
import Testing

/// A holder and a candidate on machines whose wall clocks disagree, stepped through simulated time.
private struct SkewedElection {
    static let timing = LeaderElectionTiming(leaseDuration: .seconds(15), renewDeadline: .seconds(10), retryPeriod: .seconds(2))
    /// The holder's wall clock minus the candidate's.
    let holderSkew: TimeInterval
    let start = ContinuousClock.now
    let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    var lease: Lease?
    var version = 0
    var seen: LeaseObservation?

    /// The holder renews at `second` with its own wall clock.
    mutating func renew(at second: Int) {
        version += 1
        let renewTime = KubeJSON.formatMicroTimestamp(epoch.addingTimeInterval(Double(second) + holderSkew))
        let spec = LeaseSpec(holderIdentity: "holder", leaseDurationSeconds: 15, acquireTime: nil, renewTime: renewTime, leaseTransitions: 1)
        lease = Lease(metadata: metadata(resourceVersion: "\(version)"), spec: spec)
    }

    /// The candidate reads the lease and decides at `second`, by its own clocks.
    mutating func candidate(at second: Int) -> LeaseAction {
        let now = start.advanced(by: .seconds(second))
        let observation = seen?.updated(with: lease, at: now) ?? LeaseObservation(lease: lease, at: now)
        seen = observation
        return LeaseDecision.decide(
            lease: lease?.spec, identity: "candidate", now: epoch.addingTimeInterval(Double(second)),
            unchangedFor: observation.unchangedFor(at: now), timing: Self.timing
        )
    }

    /// Runs until `until` s: the holder renews every 2 s up to `renewsUntil` s, the candidate polls every 2 s, offset by
    /// 1 s; answers the first second at which the candidate takes over.
    mutating func run(renewsUntil: Int, until: Int) -> Int? {
        for second in 0...until {
            if second % 2 == 0, second <= renewsUntil { renew(at: second) }
            if second % 2 == 1, case .update = candidate(at: second) { return second }
        }
        return nil
    }
}

@Suite("Lease observation")
struct LeaseObservationTests {
    @Test("an unchanged record keeps when it was first seen; any change of holder, renewTime or version restarts it")
    func updated() {
        let start = ContinuousClock.now
        let lease = Lease(
            metadata: metadata(resourceVersion: "1"),
            spec: LeaseSpec(holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: nil, renewTime: "t1", leaseTransitions: 0)
        )
        let first = LeaseObservation(lease: lease, at: start)
        let later = start.advanced(by: .seconds(10))
        #expect(first.updated(with: lease, at: later).unchangedFor(at: later) == .seconds(10))
        let changes: [(inout Lease) -> Void] = [
            { $0.spec.holderIdentity = "b" }, { $0.spec.renewTime = "t2" }, { $0.metadata.resourceVersion = "2" },
        ]
        for change in changes {
            var changed = lease
            change(&changed)
            #expect(first.updated(with: changed, at: later).unchangedFor(at: later) == .zero)
        }
        #expect(first.updated(with: nil, at: later).unchangedFor(at: later) == .zero)
        #expect(LeaseObservation(lease: nil, at: start).updated(with: nil, at: later).unchangedFor(at: later) == .seconds(10))
    }

    @Test("a holder whose clock is an hour behind keeps its lease while it renews")
    func holderBehind() {
        var election = SkewedElection(holderSkew: -3600)
        #expect(election.run(renewsUntil: 120, until: 120) == nil)
    }

    @Test("a holder whose clock is an hour ahead loses its lease within the lease duration after it stops renewing")
    func holderAhead() throws {
        var election = SkewedElection(holderSkew: 3600)
        let result = election.run(renewsUntil: 20, until: 120)
        let takeover = try #require(result)
        // Last renewal at 20 s, seen at 21 s: not before 21 + 15, and no later than one poll after that.
        #expect(takeover >= 36 && takeover <= 37, "took over at \(takeover) s")
    }

    @Test("a candidate that first sees a lease whose renewTime is ancient still waits a lease duration")
    func freshCandidate() throws {
        var election = SkewedElection(holderSkew: -86400)
        election.renew(at: 0)
        let result = election.run(renewsUntil: -1, until: 60)
        let takeover = try #require(result)
        #expect(takeover >= 16 && takeover <= 17, "took over at \(takeover) s")
    }
}

/// Lease metadata at `resourceVersion`.
private func metadata(resourceVersion: String) -> ObjectMeta {
    var metadata = ObjectMeta(name: "operator", namespace: "default")
    metadata.resourceVersion = resourceVersion
    return metadata
}
