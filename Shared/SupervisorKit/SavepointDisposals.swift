import FlinkClient
import Foundation
import KubeClient
import Synchronization
import ToolboxCore

/// The disposal requests this supervisor sent to Flink: savepoint path → Flink's request id, kept in memory. A
/// request lost with it (a supervisor restart) is unknown to the next decision, which asks Flink again after the
/// retry interval; disposing a path that is gone already counts as done, so asking twice is harmless.
package final class SavepointDisposals: Sendable {
    /// No requests yet.
    package init() {}

    private let requests = Mutex<[String: String]>([:])

    /// The request id of the latest disposal of `path`.
    package func requestId(of path: String) -> String? { requests.withLock { $0[path] } }

    /// Records the request sent for `path`.
    package func record(_ requestId: String, for path: String) { requests.withLock { $0[path] = requestId } }

    /// Forgets every request whose path is not in `pending` (disposed, or given up).
    package func keep(only pending: Set<String>) { requests.withLock { $0 = $0.filter { pending.contains($0.key) } } }
}

extension SupervisorController {
    /// Flink's answers for the job's queued disposals (`status.savepointDisposals`) that this supervisor sent a request
    /// for; a path without a known request or a call that fails stays unknown (absent).
    func disposals(of job: FlinkJob, reachable: Bool) async -> [String: ObservedDisposal] {
        let pending = (job.status?.savepointDisposals ?? []).map(\.savepoint)
        guard reachable, !pending.isEmpty else { return [:] }
        var observed: [String: ObservedDisposal] = [:]
        for path in pending {
            guard let requestId = savepointDisposals.requestId(of: path) else { continue }
            do {
                switch try await timed("savepoint-disposal-status", { try await flink.savepointDisposalStatus(requestId: requestId) }) {
                case .inProgress: observed[path] = .inProgress
                case .completed, .notFound: observed[path] = .completed
                case .failed(let cause): observed[path] = .failed(reason: cause)
                }
            } catch {
                logger.debug("disposal \(requestId) of \(path): \(error)")
            }
        }
        return observed
    }

    /// Asks Flink to dispose an expired savepoint whose attempt the stored status already counts; a request Flink
    /// does not accept is left to the decision's retry.
    func dispose(_ path: String, of job: FlinkJob) async {
        do {
            let requestId = try await timed("savepoint-disposal") { try await flink.disposeSavepoint(path: path) }
            savepointDisposals.record(requestId, for: path)
            logger.info("FlinkJob \(job.metadata.name ?? ""): disposal of expired savepoint \(path) requested (request \(requestId))")
        } catch {
            logger.warning("FlinkJob \(job.metadata.name ?? ""): disposal request of \(path) failed: \(error)")
        }
    }
}
