import Foundation
import KubeClient
import Synchronization
import ToolboxAPI
import ToolboxCore

/// The latest failure each bootstrap reported, kept in memory for the job's Degraded condition (the failure is
/// also recorded as a Kubernetes Event, which survives a supervisor restart).
package final class BootstrapReports: Sendable {
    /// An empty record.
    package init() {}

    private let failures = Mutex<[String: String]>([:])
    private let plans = Mutex<[String: ObservedUpgradePlan]>([:])

    /// The latest plan a plan-only bootstrap reported for FlinkJob `job`.
    package func plan(of job: String) -> ObservedUpgradePlan? { plans.withLock { $0[job] } }

    /// Records a plan-only bootstrap's report.
    package func record(job: String, plan: ObservedUpgradePlan) { plans.withLock { $0[job] = plan } }

    /// The last failure reported for FlinkJob `job`, unless a later report succeeded.
    package func failure(of job: String) -> String? { failures.withLock { $0[job] } }

    /// Records the outcome of a report.
    package func record(job: String, failure: String?) { failures.withLock { $0[job] = failure } }
}

extension SupervisorController {
    /// Takes a bootstrap's report: a started Flink job id is written into the FlinkJob's status at once (the
    /// supervisor, not the bootstrap, writes status), a failure is recorded as an Event. Returns what was done.
    package func accept(_ report: Components.Schemas.BootstrapReport, jobName: String) async throws -> String {
        let name = ResourceNames.flinkJob(cluster: cache.clusterName, job: jobName)
        for _ in 0..<5 {
            guard let job = cache.jobs.get(cache.key(name)) else { throw SupervisorRequestError.notFound("FlinkJob \(name) not found") }
            switch report.outcome {
            case .planned, .planFailed:
                return try await acceptPlan(report, job: job)
            case .failed:
                let message = "bootstrap attempt \(report.attempt) failed: \(report.message ?? "no reason given")"
                reports.record(job: name, failure: message)
                await events.warning(job, reason: "BootstrapFailed", message: message)
                nudge()
                return "failure recorded"
            case .started:
                // The contract leaves flinkJobId optional: a Started report without one names no Flink job and changes
                // nothing (the bootstrap's timeout still ends a start that never reports one).
                guard let flinkJobId = report.flinkJobId else { return "ignored: a Started report without flinkJobId names no Flink job" }
                guard job.status?.supervisorStatus == .starting else {
                    return "ignored: FlinkJob \(name) is \(job.status?.supervisorStatus?.rawValue ?? "Unknown"), not Starting"
                }
                if job.status?.jobId == flinkJobId { return "already recorded" }
                var updated = job
                updated.status?.jobId = flinkJobId
                do {
                    let stored = try await client.updateStatus(updated)
                    reports.record(job: name, failure: nil)
                    _ = await cache.jobs.wait(for: stored.key, timeout: Self.readYourWritesTimeout) {
                        $0?.metadata.resourceVersion != job.metadata.resourceVersion
                    }
                    await events.normal(stored, reason: "JobSubmitted", message: "bootstrap started Flink job \(flinkJobId)")
                    nudge()
                    return "job id recorded"
                } catch let error as KubeError where error.kind == .conflict {
                    _ = await cache.jobs.wait(for: job.key, timeout: Self.readYourWritesTimeout) {
                        $0?.metadata.resourceVersion != job.metadata.resourceVersion
                    }
                }
            }
        }
        throw KubeError(kind: .conflict, code: 409, message: "FlinkJob \(name) kept changing; report again")
    }
}

extension SupervisorController {
    /// Takes a plan-only bootstrap's report: kept in memory for the next pass, which compares it with the running
    /// job (a supervisor restarted meanwhile runs the plan-only Job again).
    private func acceptPlan(_ report: Components.Schemas.BootstrapReport, job: FlinkJob) async throws -> String {
        // The contract leaves bootstrapDigest optional: a plan report without one matches no check and changes nothing.
        guard let digest = report.bootstrapDigest, !digest.isEmpty else {
            return "ignored: a plan report without bootstrapDigest matches no restore-compatibility check"
        }
        let name = job.metadata.name ?? ""
        let result: Result<[ObservedVertex], ObservedUpgradePlan.PlanFailure>
        if report.outcome == .planned {
            result = .success((report.vertices ?? []).map { ObservedVertex(id: $0.id, name: $0.name) })
        } else {
            result = .failure(.init(report.message ?? "no reason given"))
        }
        reports.record(job: name, plan: ObservedUpgradePlan(bootstrapDigest: digest, result: result))
        nudge()
        return "plan recorded"
    }
}

/// Why a request to the supervisor's API cannot be served.
package enum SupervisorRequestError: Error, CustomStringConvertible {
    /// The FlinkJob (or its Flink job) does not exist: 404.
    case notFound(String)
    /// The request is malformed: 400.
    case badRequest(String)

    /// The message.
    package var description: String {
        switch self {
        case .notFound(let message), .badRequest(let message): return message
        }
    }
}
