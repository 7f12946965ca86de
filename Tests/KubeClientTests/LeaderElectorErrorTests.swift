import Foundation
import KubeClient
import TestSupport
import Testing

@Suite("LeaderElector against localkube: failed Lease calls", .serialized)
struct LeaderElectorErrorTests {
    @Test("a forbidden Lease read is recorded as the last error and counted; leadership follows once calls succeed again")
    func forbiddenLease() async throws {
        try await withLocalKube { server, client in
            let timing = LeaderElectionTiming(leaseDuration: .seconds(2), renewDeadline: .milliseconds(1500), retryPeriod: .milliseconds(100))
            try server.admin("POST", "faults", json: #"{"path":"leases","action":{"status":403,"message":"no leases for you"},"times":0}"#)
            let elector = LeaderElector(client: client, name: "operator", namespace: "default", identity: "a", timing: timing, logger: testLogger)
            let running = Task { try await elector.run { while !Task.isCancelled { try await Task.sleep(for: .milliseconds(50)) } } }

            #expect(await eventually { elector.leaseFailures >= 3 })
            #expect((elector.lastError as? KubeError)?.kind == .forbidden)
            #expect(!elector.isLeader)

            try server.admin("DELETE", "faults")
            #expect(await eventually { elector.isLeader })
            #expect(elector.lastError == nil)
            running.cancel()
            _ = await running.result  // it resigns before the client shuts down
        }
    }
}
