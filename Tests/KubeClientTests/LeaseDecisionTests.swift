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

    static func decide(_ lease: LeaseSpec?, unchangedFor: Duration = .zero) -> LeaseAction {
        LeaseDecision.decide(lease: lease, identity: "me", now: now, unchangedFor: unchangedFor, timing: timing)
    }

    @Test("no lease: create one held by us with no transitions")
    func create() {
        guard case .create(let spec) = Self.decide(nil) else {
            Issue.record("expected create")
            return
        }
        #expect(spec.holderIdentity == "me")
        #expect(spec.leaseDurationSeconds == 15)
        #expect(spec.leaseTransitions == 0)
    }

    @Test("our own lease is renewed without a transition")
    func renew() {
        guard case .update(let spec) = Self.decide(Self.lease(holder: "me", renewedSecondsAgo: 5), unchangedFor: .seconds(100)) else {
            Issue.record("expected update")
            return
        }
        #expect(spec.holderIdentity == "me")
        #expect(spec.leaseTransitions == 3)
        #expect(spec.renewTime == KubeJSON.formatMicroTimestamp(Self.now))
    }

    @Test(
        "another holder's lease is respected until we have seen it unchanged for its duration, then taken over",
        arguments: [(0.0, false), (14.9, false), (15.0, true), (60.0, true)])
    func otherHolder(unchangedSeconds: Double, takeOver: Bool) {
        // Its renewTime says "just now" in every case: only how long we saw it unchanged counts.
        let action = Self.decide(Self.lease(holder: "other", renewedSecondsAgo: 0), unchangedFor: .seconds(unchangedSeconds))
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

    @Test(
        "a renewTime from long ago or in the future, or unparseable, does not matter: a fresh lease is respected",
        arguments: [3600.0, -3600.0, .nan])
    func renewTimeIgnored(renewedSecondsAgo: Double) {
        var spec = Self.lease(holder: "other", renewedSecondsAgo: renewedSecondsAgo.isNaN ? 0 : renewedSecondsAgo)
        if renewedSecondsAgo.isNaN { spec.renewTime = "yesterday" }
        #expect(Self.decide(spec, unchangedFor: .seconds(1)) == .wait(holder: "other"))
        #expect(!LeaseDecision.isExpired(spec, unchangedFor: .seconds(14), timing: Self.timing))
        #expect(LeaseDecision.isExpired(spec, unchangedFor: .seconds(15), timing: Self.timing))
    }

    @Test("a lease without a duration expires after ours")
    func noDuration() {
        var spec = Self.lease(holder: "other", renewedSecondsAgo: 0)
        spec.leaseDurationSeconds = nil
        #expect(!LeaseDecision.isExpired(spec, unchangedFor: .seconds(14), timing: Self.timing))
        #expect(LeaseDecision.isExpired(spec, unchangedFor: .seconds(15), timing: Self.timing))
    }

    @Test("a released lease is taken over at once")
    func released() {
        let releasedSpec = LeaseDecision.released(Self.lease(holder: "other", renewedSecondsAgo: 0), now: Self.now)
        guard case .update(let spec) = Self.decide(releasedSpec) else {
            Issue.record("expected a take-over")
            return
        }
        #expect(spec.holderIdentity == "me")
    }
}
