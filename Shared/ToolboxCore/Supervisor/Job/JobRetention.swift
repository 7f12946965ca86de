import Foundation
import KubeModels
import ToolboxAPI

/// Retention (`spec.savepoint.historyMaxCount`, `maxAge`): entries of `status.savepointHistory` beyond the count or
/// older than maxAge are expired, and the data of an expired savepoint is disposed through Flink's savepoint-disposal
/// endpoint (so every file system Flink has a plugin for works). Written ahead: an expired path is first stored in
/// `status.savepointDisposals`, each attempt is counted there in the decision that asks Flink for it.
///
/// Never expired: the newest entry and the savepoint a (re)start or a rollback restores from (`savepointPath`,
/// `upgrade.restorePath`). Never disposed: a retained checkpoint (Flink subsumes those itself; its entry is only
/// dropped) and any path that is not, or no longer, an expired history entry (an orphan is never touched).
extension JobCycle {
    /// Disposal requests sent for one savepoint before giving up.
    static let maxDisposalAttempts: Int32 = 5
    /// Seconds between two disposal requests for the same savepoint.
    static let disposalRetryInterval: TimeInterval = 60

    /// The paths a (re)start or a rollback may restore from.
    var protectedPaths: Set<String> {
        Set([status.savepointPath ?? "", status.upgrade?.restorePath ?? ""].filter { !$0.isEmpty })
    }

    /// Removes expired entries from the history (beyond `historyLimit`, or older than `maxAge`) and queues the
    /// expired savepoints for disposal. The newest entry and the protected paths always stay (even beyond the limit
    /// when `historyMaxCount` is 1 and they differ).
    mutating func expireSavepoints() {
        let history = status.savepointHistory ?? []
        let protected = protectedPaths
        let maxAge = job.spec.savepoint.maxAge.map { TimeInterval($0) }
        let keptAnyway = history.enumerated().filter { $0.offset == 0 || protected.contains($0.element.path) }.count
        var free = max(0, historyLimit - keptAnyway)
        var kept: [Components.Schemas.SavepointRecord] = []
        var expired: [Components.Schemas.SavepointRecord] = []
        for (index, record) in history.enumerated() {
            if index == 0 || protected.contains(record.path) {
                kept.append(record)
            } else if free > 0, maxAge.map({ now.timeIntervalSince(record.timestamp) <= $0 }) ?? true {
                kept.append(record)
                free -= 1
            } else {
                expired.append(record)
            }
        }
        guard !expired.isEmpty else { return }
        status.savepointHistory = kept
        var disposals = status.savepointDisposals ?? []
        for record in expired where record.trigger != .checkpoint && !disposals.contains(where: { $0.savepoint == record.path }) {
            disposals.append(.init(savepoint: record.path, attempts: 0))
        }
        status.savepointDisposals = disposals.isEmpty ? nil : disposals
    }

    /// Follows the queued disposals while the JobManager answers: a finished one is removed (Event SavepointDisposed),
    /// an unanswered or failed one is asked again at most every `disposalRetryInterval`, and after
    /// `maxDisposalAttempts` the toolbox gives up (Warning SavepointDisposalFailed; the data stays). A queued path
    /// that is in the history again or is restored from is dropped without disposal.
    mutating func updateDisposals() {
        guard let queued = status.savepointDisposals, !queued.isEmpty else { return }
        guard observation.clusterReachable else { return recheck(observation.pollingInterval) }
        let inUse = protectedPaths.union((status.savepointHistory ?? []).map(\.path))
        var remaining: [Components.Schemas.SavepointDisposal] = []
        for var disposal in queued where !inUse.contains(disposal.savepoint) {
            let path = disposal.savepoint
            let sinceAttempt = disposal.attemptTimestamp.map { now.timeIntervalSince($0) } ?? .infinity
            switch observation.disposals[path] {
            case .completed where disposal.attempts > 0:
                events.append(.init(reason: "SavepointDisposed", message: "expired savepoint \(path) disposed by Flink"))
                continue
            case .inProgress where disposal.attempts > 0 && sinceAttempt <= observation.taskTimeout:
                recheck(observation.pollingInterval)
            case _ where sinceAttempt < Self.disposalRetryInterval:
                recheck(Self.disposalRetryInterval - sinceAttempt)
            case let answer where disposal.attempts >= Self.maxDisposalAttempts:
                let reason = if case .failed(let reason) = answer { reason } else { "no answer from Flink" }
                warn("SavepointDisposalFailed", "gave up disposing expired savepoint \(path) after \(disposal.attempts) attempts: \(reason)")
                continue
            default:
                disposal.attempts += 1
                disposal.attemptTimestamp = now
                actions.append(.disposeSavepoint(path: path))
                recheck(observation.pollingInterval)
            }
            remaining.append(disposal)
        }
        status.savepointDisposals = remaining.isEmpty ? nil : remaining
    }
}
