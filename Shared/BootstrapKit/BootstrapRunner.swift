import FlinkClient
import Foundation
import Logging
import ToolboxAPI

/// What to bootstrap: the job, its JAR and arguments, and how persistently.
public struct BootstrapPlan: Sendable, Hashable {
    public var clusterName: String
    public var jobName: String
    /// Path of the JAR file in this container.
    public var jarPath: String
    public var className: String
    public var parallelism: Int
    /// Savepoint to restore from (empty or nil: none).
    public var savepointPath: String?
    public var arguments: [String]
    /// Attempts of each step (upload, run, report) before the bootstrap gives up.
    public var attempts: Int
    /// Seconds between attempts.
    public var retryDelay: Double
    /// Do nothing (the original's dry run).
    public var dryRun: Bool
    /// Flink configuration for this job (sent as the run request's `flinkConfiguration`, Flink 1.17+).
    public var flinkConfiguration: [String: String]
    /// Only ask Flink for the job's plan and report it (`Planned` / `PlanFailed`); never run the job.
    public var planOnly: Bool
    /// Digest of the bootstrap spec a plan-only bootstrap checks, echoed in its report.
    public var bootstrapDigest: String?
    /// Let a job restored from a savepoint skip state of operators it no longer has.
    public var allowNonRestoredState: Bool
    /// The Flink job id of this start, the same for every attempt of it (32 lowercase hex digits; the supervisor
    /// gives the bootstrap Job's uid): a restarted container or a new pod of the same Job submits the same id, which
    /// Flink refuses to run twice. `nil`: a new id for this process (a bootstrap run by hand).
    public var flinkJobId: String?

    public init(
        clusterName: String, jobName: String, jarPath: String, className: String, parallelism: Int = 1, savepointPath: String? = nil,
        arguments: [String] = [], attempts: Int = 5, retryDelay: Double = 2, dryRun: Bool = false, flinkConfiguration: [String: String] = [:],
        planOnly: Bool = false, bootstrapDigest: String? = nil, allowNonRestoredState: Bool = false, flinkJobId: String? = nil
    ) {
        self.clusterName = clusterName
        self.jobName = jobName
        self.jarPath = jarPath
        self.className = className
        self.parallelism = parallelism
        self.savepointPath = savepointPath
        self.arguments = arguments
        self.attempts = attempts
        self.retryDelay = retryDelay
        self.dryRun = dryRun
        self.flinkConfiguration = flinkConfiguration
        self.planOnly = planOnly
        self.bootstrapDigest = bootstrapDigest
        self.allowNonRestoredState = allowNonRestoredState
        self.flinkJobId = flinkJobId
    }

    /// `text` as a Flink job id: 32 hex digits, or a UUID (a Kubernetes uid) with its dashes dropped; lower case.
    /// `nil` when it is neither.
    public static func flinkJobId(from text: String) -> String? {
        let hex =
            text.count == 36 && [8, 13, 18, 23].allSatisfy({ text[text.index(text.startIndex, offsetBy: $0)] == "-" })
            ? text.replacingOccurrences(of: "-", with: "") : text
        guard hex.count == 32, hex.allSatisfy(\.isHexDigit) else { return nil }
        return hex.lowercased()
    }
}

/// The bootstrap's one task: upload the JAR, run it, report the Flink job id to the supervisor, then end (which
/// ends the process with exit code 0). A step that keeps failing is reported as a failure and ends the process
/// with an error, so Kubernetes retries the pod (backoffLimit).
public struct BootstrapRunner: Sendable {
    public let plan: BootstrapPlan
    let flink: any BootstrapFlink
    let reporter: any BootstrapReporter
    let progress: BootstrapProgress
    let logger: Logger
    /// Reads the JAR (the container's file by default).
    let readJar: @Sendable (String) -> Data?
    /// A Flink job id for a run whose plan names none: one for every attempt of the run call.
    let newJobId: @Sendable () -> String
    /// Awaited once between a run Flink accepted and its first report (a test hook; nothing by default).
    let beforeReport: @Sendable (_ flinkJobId: String) async throws -> Void

    public init(
        plan: BootstrapPlan, flink: any BootstrapFlink, reporter: any BootstrapReporter, progress: BootstrapProgress, logger: Logger,
        readJar: @escaping @Sendable (String) -> Data? = { FileManager.default.contents(atPath: $0) },
        newJobId: @escaping @Sendable () -> String = { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() },
        beforeReport: @escaping @Sendable (_ flinkJobId: String) async throws -> Void = { _ in }
    ) {
        self.plan = plan
        self.flink = flink
        self.reporter = reporter
        self.progress = progress
        self.logger = logger
        self.readJar = readJar
        self.newJobId = newJobId
        self.beforeReport = beforeReport
    }

    public func run() async throws {
        guard !plan.dryRun else {
            progress.update { $0.phase = .succeeded }
            logger.info("dry run: nothing to do")
            return
        }
        if plan.planOnly { return try await planOnly() }
        do {
            let jobId = try await submit()
            progress.update { $0.phase = .reporting }
            do {
                try await beforeReport(jobId)
                try await retrying("report") { try await report(.started, flinkJobId: $0, message: nil) }
            } catch {
                if plan.flinkJobId == nil {
                    logger.error("cannot report job \(jobId); cancelling it so a retry does not run it twice")
                    try? await flink.cancel(jobId)
                } else {
                    // A retry submits the same id: Flink refuses to run it twice, and the retry reports this job.
                    logger.error("cannot report job \(jobId); it keeps running for the next attempt of this start to report")
                }
                throw error
            }
            progress.update { $0.phase = .succeeded }
            logger.info("job \(plan.jobName) started as Flink job \(jobId)")
        } catch {
            progress.update {
                $0.phase = .failed
                $0.lastError = "\(error)"
            }
            try? await report(.failed, flinkJobId: nil, message: "\(error)", attempt: plan.attempts)
            throw error
        }
    }

    /// Plan-only: uploads the JAR, asks Flink for the plan and reports its vertices (`Planned`) or why there is none
    /// (`PlanFailed`). A plan that cannot be made is an answer, not a failure of the bootstrap: it ends normally
    /// once reported; only a report that cannot be delivered fails it.
    private func planOnly() async throws {
        var report = Components.Schemas.BootstrapReport(outcome: .planned, bootstrapDigest: plan.bootstrapDigest, attempt: 1)
        do {
            let jarId = try await upload()
            let vertices: [JobGraphVertex]
            do {
                vertices = try await retrying("plan") { _ in
                    try await flink.jarPlan(jarId: jarId, entryClass: plan.className, programArgs: plan.arguments, parallelism: plan.parallelism)
                }
            } catch {
                try? await flink.deleteJar(jarId)
                throw error
            }
            try? await flink.deleteJar(jarId)
            report.vertices = vertices.map { Components.Schemas.PlanVertex(id: $0.id, name: $0.name) }
            logger.info("plan of \(plan.jobName): \(vertices.count) vertices")
        } catch {
            report.outcome = .planFailed
            report.message = "\(error)"
            logger.warning("no plan for \(plan.jobName): \(error)")
        }
        progress.update { $0.phase = .reporting }
        do {
            try await retrying("report") { _ in
                let answer = try await reporter.report(jobName: plan.jobName, report)
                logger.info("supervisor: \(answer)")
            }
        } catch {
            progress.update {
                $0.phase = .failed
                $0.lastError = "\(error)"
            }
            throw error
        }
        progress.update { $0.phase = .succeeded }
    }

    /// Uploads the JAR; returns its id.
    private func upload() async throws -> String {
        let url = URL(fileURLWithPath: plan.jarPath)
        guard let contents = readJar(url.path) else {
            throw BootstrapError.rejected("cannot read the JAR \(plan.jarPath) in this container")
        }
        progress.update { $0.phase = .uploading }
        return try await retrying("upload") { _ in try await flink.uploadJar(contents: contents, fileName: url.lastPathComponent) }
    }

    /// Uploads and runs the JAR; returns the Flink job id.
    private func submit() async throws -> String {
        let jarId = try await upload()
        progress.update { $0.phase = .running }
        if plan.flinkJobId == nil {
            logger.warning("no Flink job id given for this start: a restarted bootstrap could not tell its earlier run")
        }
        // One job id for every run attempt: a retry after a lost answer cannot start the job twice.
        let request = RunRequest(
            entryClass: plan.className, parallelism: plan.parallelism, arguments: plan.arguments,
            savepointPath: plan.savepointPath.flatMap { $0.isEmpty ? nil : $0 },
            allowNonRestoredState: plan.allowNonRestoredState && !(plan.savepointPath ?? "").isEmpty, jobId: plan.flinkJobId ?? newJobId(),
            flinkConfiguration: plan.flinkConfiguration.isEmpty ? nil : plan.flinkConfiguration
        )
        let jobId = try await retrying("run") { _ in
            do {
                return try await flink.runJar(jarId, request)
            } catch let error as FlinkError where error.isDuplicateSubmission {
                // An earlier attempt of this start (a retry after a lost answer, a restarted container or pod) ran it.
                guard let submitted = request.jobId else { throw error }
                logger.info("Flink job \(submitted) was submitted by an earlier attempt of this start; reporting it")
                return submitted
            }
        }
        logger.info("run accepted: Flink job \(jobId)")
        progress.update { $0.flinkJobId = jobId }
        try? await flink.deleteJar(jarId)
        return jobId
    }

    /// Runs `step` up to `plan.attempts` times; errors that cannot succeed later stop at once.
    private func retrying<T: Sendable>(_ step: String, _ body: (String) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            progress.update { $0.attempts += 1 }
            do {
                return try await body(progress.snapshot.flinkJobId ?? "")
            } catch let error as FlinkError where !error.isRetryable {
                throw error
            } catch {
                guard attempt < plan.attempts else { throw error }
                logger.warning("\(step) failed (attempt \(attempt) of \(plan.attempts)): \(error); retrying")
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int(plan.retryDelay * 1000)))
            }
        }
    }

    private func report(
        _ outcome: Components.Schemas.BootstrapReport.OutcomePayload, flinkJobId: String?, message: String?, attempt: Int = 1
    ) async throws {
        let body = Components.Schemas.BootstrapReport(outcome: outcome, flinkJobId: flinkJobId, attempt: Int32(attempt), message: message)
        let answer = try await reporter.report(jobName: plan.jobName, body)
        logger.info("supervisor: \(answer)")
    }
}
