import Foundation
import KubeClient
import Testing

@Suite("Lease decision")
struct LeaseDecisionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let timing = LeaderElectionTiming(leaseDuration: .seconds(15), renewDeadline: .seconds(10), retryPeriod: .seconds(2))

    static func lease(holder: String?, renewedSecondsAgo: Double, transitions: Int = 3) -> LeaseSpec {
        LeaseSpec(
            holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: nil,
            renewTime: KubeJSON.formatMicroTimestamp(now.addingTimeInterval(-renewedSecondsAgo)), leaseTransitions: transitions
        )
    }

    @Test("no lease: create one held by us with no transitions")
    func create() {
        guard case .create(let spec) = LeaseDecision.decide(lease: nil, identity: "me", now: Self.now, timing: Self.timing) else {
            Issue.record("expected create")
            return
        }
        #expect(spec.holderIdentity == "me")
        #expect(spec.leaseDurationSeconds == 15)
        #expect(spec.leaseTransitions == 0)
    }

    @Test("our own lease is renewed without a transition")
    func renew() {
        let action = LeaseDecision.decide(lease: Self.lease(holder: "me", renewedSecondsAgo: 5), identity: "me", now: Self.now, timing: Self.timing)
        guard case .update(let spec) = action else {
            Issue.record("expected update")
            return
        }
        #expect(spec.holderIdentity == "me")
        #expect(spec.leaseTransitions == 3)
        #expect(spec.renewTime == KubeJSON.formatMicroTimestamp(Self.now))
    }

    @Test("another holder's lease is respected until it expires, then taken over", arguments: [
        (0.0, false), (14.9, false), (15.0, true), (60.0, true),
    ])
    func otherHolder(renewedSecondsAgo: Double, takeOver: Bool) {
        let action = LeaseDecision.decide(
            lease: Self.lease(holder: "other", renewedSecondsAgo: renewedSecondsAgo), identity: "me", now: Self.now, timing: Self.timing
        )
        if takeOver {
            guard case .update(let spec) = action else {
                Issue.record("expected a take-over, got \(action)")
                return
            }
            #expect(spec.holderIdentity == "me")
            #expect(spec.leaseTransitions == 4)
        } else {
            #expect(action == .wait(holder: "other"))
        }
    }

    @Test("a released lease is taken over at once")
    func released() {
        let releasedSpec = LeaseDecision.released(Self.lease(holder: "other", renewedSecondsAgo: 0), now: Self.now)
        guard case .update(let spec) = LeaseDecision.decide(lease: releasedSpec, identity: "me", now: Self.now, timing: Self.timing) else {
            Issue.record("expected a take-over")
            return
        }
        #expect(spec.holderIdentity == "me")
    }

    @Test("an unparseable renew time counts as expired")
    func unparseable() {
        var spec = Self.lease(holder: "other", renewedSecondsAgo: 0)
        spec.renewTime = "yesterday"
        #expect(LeaseDecision.isExpired(spec, now: Self.now))
    }
}
