import BootstrapKit
import FlinkClient
import Foundation
import Logging
import Synchronization
import Testing
import ToolboxAPI

/// A connection that failed (refused or reset): what a report sees while the supervisor's Service has no ready pod.
struct TransportError: Error, Equatable {}

/// What a scripted call does: the i-th call takes the i-th entry, the last one repeats.
enum Step: Sendable, Equatable {
    case succeed
    case fail(any Error & Sendable)
    /// The call took effect (a run started the job) but its answer was lost: the caller sees the error.
    case lost(any Error & Sendable)

    static func == (lhs: Step, rhs: Step) -> Bool {
        switch (lhs, rhs) {
        case (.succeed, .succeed): true
        case (.fail(let a), .fail(let b)), (.lost(let a), .lost(let b)): "\(a)" == "\(b)"
        default: false
        }
    }

    static func pick(_ script: [Step], _ index: Int) -> Step { script.isEmpty ? .succeed : script[min(index, script.count - 1)] }
}

/// A JobManager that follows a script, and records every call. Like Flink, a run with a fixed job id answers that id,
/// and a run with the id of a job submitted before is refused (as Flink 2.3 answers it).
final class ScriptedFlink: BootstrapFlink {
    struct Calls {
        var uploads = 0
        var runs: [RunRequest] = []
        /// The ids of the jobs Flink runs, in the order they were submitted.
        var started: [String] = []
        var deletedJars: [String] = []
        var cancelled: [String] = []
        var plans: [[String]] = []
    }

    let upload: [Step]
    let run: [Step]
    let plan: [Step]
    /// The vertices a plan answers.
    let vertices: [JobGraphVertex]
    let calls = Mutex(Calls())

    init(upload: [Step] = [], run: [Step] = [], plan: [Step] = [], vertices: [JobGraphVertex] = []) {
        self.upload = upload
        self.run = run
        self.plan = plan
        self.vertices = vertices
    }

    var recorded: Calls { calls.withLock { $0 } }

    func uploadJar(contents: Data, fileName: String) async throws -> String {
        let index = calls.withLock { calls in
            calls.uploads += 1
            return calls.uploads - 1
        }
        if case .fail(let error) = Step.pick(upload, index) { throw error }
        if case .lost(let error) = Step.pick(upload, index) { throw error }
        return "jar-\(index)_\(fileName)"
    }

    static let duplicate = FlinkError.rejected(
        code: 400,
        errors: [
            "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\nCaused by: "
                + "org.apache.flink.runtime.client.DuplicateApplicationSubmissionException: Job has already been submitted."
        ])

    func runJar(_ jarId: String, _ request: RunRequest) async throws -> String {
        let (step, duplicate, jobId) = calls.withLock { calls in
            calls.runs.append(request)
            let step = Step.pick(run, calls.runs.count - 1)
            let jobId = request.jobId ?? "generated-\(calls.runs.count)"
            if case .fail = step { return (step, false, jobId) }
            let duplicate = calls.started.contains(jobId)
            if !duplicate { calls.started.append(jobId) }
            return (step, duplicate, jobId)
        }
        switch step {
        case .fail(let error), .lost(let error): throw error
        case .succeed:
            if duplicate { throw Self.duplicate }
            return jobId
        }
    }

    func deleteJar(_ jarId: String) async throws { calls.withLock { $0.deletedJars.append(jarId) } }

    func cancel(_ jobId: String) async throws { calls.withLock { $0.cancelled.append(jobId) } }

    func jarPlan(jarId: String, entryClass: String?, programArgs: [String], parallelism: Int?) async throws -> [JobGraphVertex] {
        let index = calls.withLock { calls in
            calls.plans.append(programArgs)
            return calls.plans.count - 1
        }
        if case .fail(let error) = Step.pick(plan, index) { throw error }
        if case .lost(let error) = Step.pick(plan, index) { throw error }
        return vertices
    }
}

/// A supervisor that follows a script (per report attempt), and records every report it was sent.
final class ScriptedSupervisor: BootstrapReporter {
    struct Attempt {
        var report: Components.Schemas.BootstrapReport
        var accepted: Bool
    }

    let script: [Step]
    let attempts = Mutex<[Attempt]>([])

    init(_ script: [Step] = []) { self.script = script }

    var recorded: [Attempt] { attempts.withLock { $0 } }
    var accepted: [Components.Schemas.BootstrapReport] { recorded.filter(\.accepted).map(\.report) }

    func report(jobName: String, _ report: Components.Schemas.BootstrapReport) async throws -> String {
        let step = attempts.withLock { attempts in
            let step = Step.pick(script, attempts.count)
            attempts.append(Attempt(report: report, accepted: step == .succeed))
            return step
        }
        if case .fail(let error) = step { throw error }
        return "job id recorded"
    }
}

@Suite("Bootstrap runner with a scripted Flink and supervisor")
struct BootstrapRunnerTests {
    static let plan = BootstrapPlan(
        clusterName: "demo", jobName: "wordcount", jarPath: "/opt/jobs/wordcount.jar", className: "com.example.WordCount", parallelism: 2,
        arguments: ["--input", "x"], attempts: 3, retryDelay: 0
    )

    static func runner(
        flink: ScriptedFlink, supervisor: ScriptedSupervisor, progress: BootstrapProgress? = nil, plan: BootstrapPlan = Self.plan
    ) -> BootstrapRunner {
        BootstrapRunner(
            plan: plan, flink: flink, reporter: supervisor, progress: progress ?? BootstrapProgress(clusterName: "demo", jobName: "wordcount"),
            logger: Logger(label: "bootstrap-test") { _ in SwiftLogNoOpLogHandler() }, readJar: { _ in Data("jar".utf8) }
        )
    }

    @Test("an upload that keeps failing is tried `attempts` times, never run, and reported as a failure")
    func uploadFails() async throws {
        let flink = ScriptedFlink(upload: [.fail(FlinkError.unreachable("connection refused"))])
        let supervisor = ScriptedSupervisor()
        let progress = BootstrapProgress(clusterName: "demo", jobName: "wordcount")
        await #expect(throws: FlinkError.unreachable("connection refused")) {
            try await Self.runner(flink: flink, supervisor: supervisor, progress: progress).run()
        }
        #expect(flink.recorded.uploads == 3)
        #expect(flink.recorded.runs.isEmpty)
        let reports = supervisor.accepted
        #expect(reports.map(\.outcome) == [.failed])
        #expect(reports.first?.attempt == 3)
        #expect(reports.first?.flinkJobId == nil)
        #expect(reports.first?.message?.contains("connection refused") == true)
        #expect(progress.snapshot.phase == .failed)
    }

    @Test("a run Flink rejects (main() threw) is not retried, nothing is cancelled, and the failure is reported")
    func runRejected() async throws {
        let rejected = FlinkError.rejected(code: 400, errors: ["main() threw"])
        let flink = ScriptedFlink(run: [.fail(rejected)])
        let supervisor = ScriptedSupervisor()
        await #expect(throws: rejected) { try await Self.runner(flink: flink, supervisor: supervisor).run() }
        #expect(flink.recorded.runs.count == 1)
        #expect(flink.recorded.cancelled.isEmpty)
        #expect(supervisor.accepted.map(\.outcome) == [.failed])
        #expect(supervisor.accepted.first?.message?.contains("main() threw") == true)
    }

    @Test("a run that keeps failing on a 5xx is tried `attempts` times with one job id, then reported as a failure")
    func runFails() async throws {
        let failing = FlinkError.serverError(code: 500, errors: ["busy"])
        let flink = ScriptedFlink(run: [.fail(failing)])
        let supervisor = ScriptedSupervisor()
        await #expect(throws: failing) { try await Self.runner(flink: flink, supervisor: supervisor).run() }
        #expect(flink.recorded.runs.count == 3)
        #expect(Set(flink.recorded.runs.compactMap(\.jobId)).count == 1)
        #expect(supervisor.accepted.map(\.outcome) == [.failed])
    }

    @Test("a report that keeps failing is tried `attempts` times, then the job is cancelled so a retried pod cannot run it twice")
    func reportFails() async throws {
        let flink = ScriptedFlink()
        let supervisor = ScriptedSupervisor([.fail(TransportError())])
        await #expect(throws: TransportError.self) { try await Self.runner(flink: flink, supervisor: supervisor).run() }
        let jobId = try #require(flink.recorded.runs.first?.jobId)
        let attempts = supervisor.recorded
        #expect(attempts.filter { $0.report.outcome == .started }.count == 3)
        #expect(attempts.filter { $0.report.outcome == .started }.allSatisfy { $0.report.flinkJobId == jobId })
        #expect(attempts.last?.report.outcome == .failed, "the failure is reported too (best effort)")
        #expect(supervisor.accepted.isEmpty)
        #expect(flink.recorded.cancelled == [jobId])
    }

    @Test(
        "report attempts across a supervisor restart",
        arguments: [
            // (failed report attempts before the supervisor answers, whether the bootstrap succeeds)
            (0, true), (1, true), (2, true), (3, false),
        ])
    func reportRetries(failures: Int, succeeds: Bool) async throws {
        let flink = ScriptedFlink()
        let supervisor = ScriptedSupervisor(Array(repeating: .fail(TransportError()), count: failures) + [.succeed])
        var succeeded = true
        do { try await Self.runner(flink: flink, supervisor: supervisor).run() } catch { succeeded = false }
        #expect(succeeded == succeeds)
        let started = supervisor.recorded.filter { $0.report.outcome == .started }
        #expect(started.count == min(failures + 1, 3))
        #expect(supervisor.accepted.filter { $0.outcome == .started }.count == (succeeds ? 1 : 0))
        #expect(flink.recorded.cancelled.count == (succeeds ? 0 : 1))
    }

    @Test("the supervisor restarts mid-report: the run is retried under one job id, and exactly one report is accepted, with that id")
    func supervisorRestartsMidReport() async throws {
        // The first run call times out (Flink may have started the job), the second answers; then the supervisor is
        // replaced: two report attempts find no one (connection refused), the third reaches the new pod.
        let flink = ScriptedFlink(run: [.fail(FlinkError.timeout("run")), .succeed])
        let supervisor = ScriptedSupervisor([.fail(TransportError()), .fail(TransportError()), .succeed])
        let progress = BootstrapProgress(clusterName: "demo", jobName: "wordcount")
        try await Self.runner(flink: flink, supervisor: supervisor, progress: progress).run()
        let runs = flink.recorded.runs
        #expect(runs.count == 2)
        let jobId = try #require(runs.first?.jobId)
        #expect(runs.allSatisfy { $0.jobId == jobId })
        #expect(jobId.count == 32 && jobId.allSatisfy(\.isHexDigit))
        #expect(runs.first?.parallelism == 2 && runs.first?.programArgsList == ["--input", "x"])
        #expect(supervisor.recorded.count == 3)
        #expect(supervisor.recorded.allSatisfy { $0.report.outcome == .started && $0.report.flinkJobId == jobId })
        #expect(supervisor.accepted.count == 1)
        #expect(flink.recorded.cancelled.isEmpty)
        #expect(flink.recorded.deletedJars.count == 1)
        #expect(progress.snapshot.phase == .succeeded)
        #expect(progress.snapshot.flinkJobId == jobId)
    }

    @Test("the report waits for the hook between run and report, and a hook that is interrupted cancels the job")
    func reportHold() async throws {
        let flink = ScriptedFlink()
        let supervisor = ScriptedSupervisor()
        let held = Mutex<[String]>([])
        let runner = BootstrapRunner(
            plan: Self.plan, flink: flink, reporter: supervisor, progress: BootstrapProgress(clusterName: "demo", jobName: "wordcount"),
            logger: Logger(label: "bootstrap-test") { _ in SwiftLogNoOpLogHandler() }, readJar: { _ in Data("jar".utf8) },
            beforeReport: { jobId in
                held.withLock { $0.append(jobId) }
                throw CancellationError()
            }
        )
        await #expect(throws: CancellationError.self) { try await runner.run() }
        let jobId = try #require(flink.recorded.runs.first?.jobId)
        #expect(held.withLock { $0 } == [jobId])
        #expect(supervisor.recorded.map(\.report.outcome) == [.failed])
        #expect(flink.recorded.cancelled == [jobId])
    }

    /// The plan as the supervisor's bootstrap Job gives it: the Job's uid is the Flink job id of the start.
    static let startPlan: BootstrapPlan = {
        var plan = Self.plan
        plan.flinkJobId = BootstrapPlan.flinkJobId(from: "6D5F0B4E-2C1A-4B7E-9F3D-0A1B2C3D4E5F")
        return plan
    }()

    @Test("a Flink job id is 32 hex digits or a UUID, in lower case; anything else is refused")
    func flinkJobIds() {
        #expect(BootstrapPlan.flinkJobId(from: "6D5F0B4E-2C1A-4B7E-9F3D-0A1B2C3D4E5F") == "6d5f0b4e2c1a4b7e9f3d0a1b2c3d4e5f")
        #expect(BootstrapPlan.flinkJobId(from: "0123456789abcdef0123456789ABCDEF") == "0123456789abcdef0123456789abcdef")
        for bad in [
            "", "$(BOOTSTRAP_JOB_UID)", "0123456789abcdef", "0123456789abcdef0123456789abcdeg", "6d5f0b4e-2c1a-4b7e-9f3d-0a1b2c3d4e5",
            "6d5f0b4e2-c1a-4b7e-9f3d-0a1b2c3d4e5f",
        ] {
            #expect(BootstrapPlan.flinkJobId(from: bad) == nil, "\(bad)")
        }
    }

    @Test("a run whose answer was lost is retried under its id: Flink refuses it as a duplicate, and the job that runs is reported")
    func lostRunAnswer() async throws {
        let flink = ScriptedFlink(run: [.lost(FlinkError.timeout("run")), .succeed])
        let supervisor = ScriptedSupervisor()
        try await Self.runner(flink: flink, supervisor: supervisor, plan: Self.startPlan).run()
        let jobId = try #require(Self.startPlan.flinkJobId)
        #expect(flink.recorded.runs.map(\.jobId) == [jobId, jobId])
        #expect(flink.recorded.started == [jobId])
        #expect(supervisor.accepted.map(\.flinkJobId) == [jobId])
        #expect(flink.recorded.cancelled.isEmpty)
    }

    @Test("a bootstrap killed after its run and before its report: the next attempt of the start reports that job and starts no other")
    func restartedBootstrapAdoptsItsRun() async throws {
        let flink = ScriptedFlink()
        // The first attempt's reports all fail (the process is as good as killed): it must not cancel the job.
        let unreachable = ScriptedSupervisor([.fail(TransportError())])
        await #expect(throws: TransportError.self) {
            try await Self.runner(flink: flink, supervisor: unreachable, plan: Self.startPlan).run()
        }
        let jobId = try #require(Self.startPlan.flinkJobId)
        #expect(flink.recorded.started == [jobId])
        #expect(flink.recorded.cancelled.isEmpty, "the next attempt reports it")
        // The restarted container (or a new pod of the same Job) runs the same plan.
        let supervisor = ScriptedSupervisor()
        let progress = BootstrapProgress(clusterName: "demo", jobName: "wordcount")
        try await Self.runner(flink: flink, supervisor: supervisor, progress: progress, plan: Self.startPlan).run()
        #expect(flink.recorded.started == [jobId], "Flink runs the start's job once")
        #expect(supervisor.accepted.map(\.outcome) == [.started] && supervisor.accepted.map(\.flinkJobId) == [jobId])
        #expect(progress.snapshot.phase == .succeeded && progress.snapshot.flinkJobId == jobId)
    }

    @Test("without the start's id, two bootstraps are two jobs: which is why the bootstrap Job passes its uid")
    func withoutStartIdEachProcessRunsItsOwn() async throws {
        let flink = ScriptedFlink()
        try await Self.runner(flink: flink, supervisor: ScriptedSupervisor()).run()
        try await Self.runner(flink: flink, supervisor: ScriptedSupervisor()).run()
        #expect(Set(flink.recorded.started).count == 2)
    }
}
