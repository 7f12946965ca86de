import Foundation
import KubeModels
import ToolboxAPI

/// Where a pending savepoint request stands after this cycle.
enum SavepointOutcome {
    /// Still pending: wait, or the same request was sent again.
    case pending
    /// Taken; `status.savepointPath` holds its location.
    case completed
    /// Given up; the request is cleared and the previous savepointPath kept.
    case failed
}

/// Savepoints (section 9), written ahead: a request is stored in status in the same decision that asks Flink for
/// it, so a supervisor killed in between finds it and follows it instead of asking twice.
extension JobCycle {
    /// Whether a savepoint request is pending.
    var hasPendingSavepoint: Bool { !(status.savepointTriggerId ?? "").isEmpty }

    /// Flink no longer runs the job: it does not know the id, or the job reached a terminal state.
    var flinkJobGone: Bool {
        switch observation.flinkJobState {
        case .notFound: true
        case .state(let state): ObservedFlinkCluster.terminalStates.contains(state)
        case .unknown: false
        }
    }

    /// Forgets the pending request (the request timestamp stays: periodic savepoints count from it).
    mutating func clearSavepointRequest() {
        status.savepointJobId = ""
        status.savepointTriggerId = ""
        status.savepointTrigger = ""
    }

    /// Savepoints kept in `status.savepointHistory` when the spec sets no `historyMaxCount`.
    static let defaultHistoryMaxCount = 10

    /// Records a completed savepoint at the head of the history; entries beyond `historyMaxCount` or older than
    /// `maxAge` expire (`expireSavepoints`).
    mutating func recordSavepoint(_ location: String) {
        let trigger = Components.Schemas.SavepointTrigger(rawValue: status.savepointTrigger ?? "") ?? .manual
        let record = Components.Schemas.SavepointRecord(
            path: location, timestamp: now, trigger: trigger, jobId: status.savepointJobId ?? flinkJobId
        )
        status.savepointHistory = [record] + (status.savepointHistory ?? []).filter { $0.path != location }
        expireSavepoints()
    }

    /// The most entries `status.savepointHistory` keeps (`spec.savepoint.historyMaxCount`, at least 1).
    var historyLimit: Int { max(1, Int(job.spec.savepoint.historyMaxCount ?? Int32(Self.defaultHistoryMaxCount))) }

    /// Starts a request under the observation's fresh trigger id: stored (with why it is made, for the history) and
    /// asked for in the same decision. `since` keeps the time of an earlier attempt (a retried stop), so the task timeout counts from the first one.
    mutating func requestSavepoint(stop: Bool, trigger: Components.Schemas.SavepointTrigger, since: Date? = nil) {
        status.savepointJobId = flinkJobId
        status.savepointTriggerId = observation.freshTriggerId
        status.savepointTrigger = trigger.rawValue
        status.savepointRequestTimestamp = since ?? now
        actions.append(savepointAction(stop: stop, jobId: flinkJobId, triggerId: observation.freshTriggerId))
        let kind = stop ? "stop-with-savepoint" : "savepoint"
        events.append(.init(reason: "SavepointRequested", message: "\(kind) of job \(flinkJobId) requested (trigger \(observation.freshTriggerId))"))
        recheck(observation.pollingInterval)
    }

    /// The Flink call for a request.
    func savepointAction(stop: Bool, jobId: String, triggerId: String) -> JobAction {
        let directory = job.spec.savepoint.savepointTargetPath
        return stop
            ? .stopWithSavepoint(jobId: jobId, triggerId: triggerId, targetDirectory: directory)
            : .triggerSavepoint(jobId: jobId, triggerId: triggerId, targetDirectory: directory)
    }

    /// Follows the pending request. A request Flink does not know is sent again under its stored trigger id (Flink
    /// treats it as the same request), except on a Flink that chooses the ids itself; one unanswered (not found or
    /// unreachable) for more than taskTimeout fails.
    mutating func followSavepoint(stop: Bool) -> SavepointOutcome {
        // Requested in this very cycle: nothing to ask Flink about yet.
        guard status.savepointTriggerId == before.savepointTriggerId else { return .pending }
        let requested = before.savepointRequestTimestamp ?? before.timestamp ?? now
        let expired = now.timeIntervalSince(requested) > observation.taskTimeout
        switch observation.savepoint {
        case .completed(let location):
            status.savepointPath = location
            status.savepointTimestamp = now
            recordSavepoint(location)
            clearSavepointRequest()
            let kind = annotations.deleteResources ? "final savepoint of the deleted job" : "savepoint"
            events.append(.init(reason: "SavepointCompleted", message: "\(kind) stored at \(location)"))
            return .completed
        case .failed(let reason):
            return failSavepoint(reason)
        case .notFound where expired:
            return failSavepoint("Flink never accepted the request within the task timeout")
        case .notFound where observation.flinkJobState == .notFound:
            // Neither the request nor the job is known to Flink: the JobManager lost them (restarted without HA).
            // Sending the request again cannot succeed; waiting taskTimeout for it only delayed stops and deletions.
            return failSavepoint("Flink no longer knows the job (JobManager restarted?)")
        case .unknown where expired:
            return failSavepoint("Flink could not be reached within the task timeout")
        case .notFound where observation.flinkTakesClientTriggerIds:
            let trigger = status.savepointTriggerId ?? ""
            actions.append(savepointAction(stop: stop, jobId: status.savepointJobId ?? flinkJobId, triggerId: trigger))
        case .notFound:
            // Flink chooses the ids (before 1.15) and this one is ours: the adoption of Flink's id is not stored (yet,
            // or a crash lost it). Sending again could start a second savepoint, so wait: the adoption shows up, or
            // the request fails at the task timeout.
            break
        case .inProgress, .unknown:
            break
        }
        recheck(observation.pollingInterval)
        return .pending
    }

    /// Clears a failed request with a Warning; savepointPath keeps the last good savepoint.
    private mutating func failSavepoint(_ reason: String) -> SavepointOutcome {
        warn("SavepointFailed", "savepoint \(status.savepointTriggerId ?? "") of job \(status.savepointJobId ?? "") failed: \(reason)")
        clearSavepointRequest()
        return .failed
    }

    /// Started's savepoint step: follow a pending request, else take a periodic one when due. Periodic savepoints
    /// run only in Automatic mode (Manual means the toolbox never takes one by itself).
    mutating func updateSavepoint() {
        let spec = job.spec.savepoint
        if hasPendingSavepoint {
            _ = followSavepoint(stop: false)
        } else if spec.savepointMode == .automatic, spec.savepointInterval > 0, status.jobStatus == "RUNNING", !flinkJobId.isEmpty {
            let since = before.savepointRequestTimestamp ?? before.timestamp ?? now
            let remaining = TimeInterval(spec.savepointInterval) - now.timeIntervalSince(since)
            if remaining <= 0 { requestSavepoint(stop: false, trigger: .periodic) } else { recheck(remaining) }
        }
        status.resourceStatus = hasPendingSavepoint ? .updating : .updated
    }

    /// Whether Stopping takes a savepoint: never with without-savepoint on job or cluster; on deletion only with
    /// `savepoint.onDelete` (in either mode); otherwise in Automatic mode.
    /// A rollback stops the failed version without one (its state is not wanted), and so does a restart in
    /// upgradeMode stateless (the restart restores nothing).
    var stopsWithSavepoint: Bool {
        guard !withoutSavepoint else { return false }
        if annotations.deleteResources { return job.spec.savepoint.onDelete == true }
        if upgradePhase == .rollingBack || (upgradeMode == .stateless && annotations.shouldRestart) { return false }
        return job.spec.savepoint.savepointMode == .automatic
    }

    /// Why Stopping takes its savepoint: a stop followed by a restart is an upgrade (spec change, rescale, restart).
    var stopTrigger: Components.Schemas.SavepointTrigger { annotations.shouldRestart ? .upgrade : .stop }

    /// Stopping's cancelJob (section 9). True once no Flink job is left to stop; otherwise this cycle asked for
    /// something (or waits) and the next one looks again.
    mutating func cancelJob() -> Bool {
        guard !flinkJobId.isEmpty else {
            clearSavepointRequest()
            return true
        }
        if observation.jobManagerGone {
            // The JobManager went (killed, or deleted with a cluster being torn down) and its jobs with it: there is
            // nothing left to stop, and a pending stop-with-savepoint can never complete.
            if hasPendingSavepoint { _ = failSavepoint("the JobManager is gone and the Flink job with it") }
            status.jobId = ""
            return true
        }
        recheck(observation.pollingInterval)
        if hasPendingSavepoint {
            let firstRequest = before.savepointRequestTimestamp ?? now
            if case .failed = observation.savepoint, !flinkJobGone, now.timeIntervalSince(firstRequest) <= observation.taskTimeout {
                // A refused stop is asked again one polling interval after the last attempt (the status is stamped
                // by each attempt), not at once: each attempt's status write comes back through the watch, and
                // asking at once sent a request every few milliseconds until taskTimeout.
                let wait = observation.pollingInterval - now.timeIntervalSince(before.timestamp ?? .distantPast)
                if wait > 0 {
                    recheck(wait)
                    return false
                }
            }
            switch followSavepoint(stop: true) {
            case .completed: status.jobId = ""
            case .failed where !flinkJobGone && now.timeIntervalSince(firstRequest) <= observation.taskTimeout:
                // Safer than the original's plain cancel: a job that still runs (e.g. its tasks are still being
                // deployed right after a start) is asked again, so the state since the last savepoint is not lost;
                // only after taskTimeout since the first attempt does the stop fall back to a plain cancel.
                requestSavepoint(stop: true, trigger: stopTrigger, since: firstRequest)
            case .failed: cancelPlainly()
            case .pending: break
            }
        } else if flinkJobGone {
            status.jobId = ""
        } else if stopsWithSavepoint {
            requestSavepoint(stop: true, trigger: stopTrigger)
        } else {
            cancelPlainly()
        }
        return false
    }

    /// Cancels without a savepoint (unless the job is already gone or taskTimeout has passed), then forgets the id.
    private mutating func cancelPlainly() {
        if !flinkJobGone, elapsed <= observation.taskTimeout {
            actions.append(.cancelFlinkJob(jobId: flinkJobId))
            events.append(.init(reason: "JobCancelled", message: "cancelling Flink job \(flinkJobId) without a savepoint"))
        }
        status.jobId = ""
    }
}
