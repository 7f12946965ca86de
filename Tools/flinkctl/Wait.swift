import ArgumentParser
import Foundation
import ToolboxAPI

/// `--wait` and its tuning: poll the status route until the target state, printing each change on stderr.
struct WaitOptions: ParsableArguments {
    @Flag(help: "Wait until the target state is reached, printing each change of the status; exit code 3 on timeout.")
    var wait = false

    @Option(help: ArgumentHelp("Seconds between two polls of the status while waiting.", valueName: "seconds"))
    var waitInterval: Double = 1

    @Option(help: ArgumentHelp("Seconds to wait for the target state.", valueName: "seconds"))
    var timeout: Double = 300

    func validate() throws {
        guard waitInterval > 0, timeout > 0 else { throw ValidationError("--wait-interval and --timeout must be positive") }
    }

    /// Polls `target` until it is reached; throws exit code 3 when `--timeout` passes first. Does nothing without `--wait`.
    func until(_ target: WaitTarget, session: ControlPlaneSession) async throws {
        guard wait else { return }
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(timeout * 1000))
        var last: String?
        while true {
            let status = try await target.status(session)
            let line =
                status.map { status in target.fields.map { "\($0)=\(status[$0]?.text ?? "-")" }.joined(separator: " ") }
                ?? "not found yet"
            if line != last {
                progress("\(target.what): \(line)")
                last = line
            }
            if let status, target.reached(status) {
                progress("\(target.what): reached \(target.goal)")
                return
            }
            let remaining = deadline - clock.now
            guard remaining > .zero else {
                progress("flinkctl: timed out after \(Self.seconds(timeout)) s waiting for \(target.what) to reach \(target.goal)")
                throw ExitCode(3)
            }
            try await Task.sleep(for: min(.milliseconds(Int64(waitInterval * 1000)), remaining))
        }
    }

    private static func seconds(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }

    private func progress(_ line: String) {
        let stamp = Date().formatted(.iso8601.time(includingFractionalSeconds: false))
        FileHandle.standardError.write(Data("[\(stamp)] \(line)\n".utf8))
    }
}

/// A state `--wait` waits for.
struct WaitTarget {
    /// What is watched, e.g. `cluster demo`.
    let what: String
    /// The target, e.g. `supervisorStatus Started`.
    let goal: String
    /// Status fields printed when they change.
    let fields: [String]
    /// The current status; nil while the resource does not exist yet.
    let status: (ControlPlaneSession) async throws -> JSONTree?
    /// Whether the target is reached.
    let reached: (JSONTree) -> Bool

    /// A FlinkCluster reaching a supervisor status, or a TaskManager count.
    static func cluster(_ name: String, status goal: String? = nil, taskManagers: Int32? = nil) -> WaitTarget {
        WaitTarget(
            what: "cluster \(name)", goal: goal.map { "supervisorStatus \($0)" } ?? "\(taskManagers ?? 0) TaskManagers",
            fields: ["supervisorStatus", "resourceStatus"] + (taskManagers == nil ? [] : ["taskManagers", "taskManagerReplicas"]),
            status: { session in try await absentOn404(session.call { try await $0.getClusterStatus(path: .init(clusterName: name)) }) },
            reached: { status in
                if let goal { return status["supervisorStatus"]?.text == goal }
                return status["taskManagerReplicas"]?.text == String(taskManagers ?? 0)
            }
        )
    }

    /// A FlinkJob reaching a supervisor status, or a parallelism.
    static func job(_ cluster: String, _ job: String, status goal: String? = nil, parallelism: Int32? = nil) -> WaitTarget {
        WaitTarget(
            what: "job \(cluster)/\(job)", goal: goal.map { "supervisorStatus \($0)" } ?? "parallelism \(parallelism ?? 0)",
            fields: ["supervisorStatus", "resourceStatus", "jobStatus"] + (parallelism == nil ? [] : ["jobParallelism"]),
            status: { session in
                try await absentOn404(session.call { try await $0.getJobStatus(path: .init(clusterName: cluster, jobName: job)) })
            },
            reached: { status in
                if let goal { return status["supervisorStatus"]?.text == goal }
                // Parallelism 0 suspends the job: it ends Stopped.
                let settled = parallelism == 0 ? "Stopped" : "Started"
                return status["supervisorStatus"]?.text == settled && status["jobParallelism"]?.text == String(parallelism ?? 0)
            }
        )
    }

    /// A FlinkDeployment split into its cluster and jobs (resourceStatus Updated).
    static func deployment(_ name: String) -> WaitTarget {
        WaitTarget(
            what: "deployment \(name)", goal: "resourceStatus Updated", fields: ["resourceStatus"],
            status: { session in try await absentOn404(session.call { try await $0.getDeploymentStatus(path: .init(deploymentName: name)) }) },
            reached: { $0["resourceStatus"]?.text == "Updated" }
        )
    }

    private static func absentOn404(_ reply: Reply) throws -> JSONTree? {
        reply.statusCode == 404 ? nil : try reply.output() ?? .object([:])
    }
}
