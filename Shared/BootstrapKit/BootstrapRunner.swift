import FlinkClient
import Foundation
import Logging
import ServiceLifecycle
import ToolboxAPI

/// The bootstrap's one task: upload the JAR, run it, report the Flink job id to the supervisor, then end (which
/// ends the process with exit code 0). A step that keeps failing is reported as a failure and ends the process
/// with an error, so Kubernetes retries the pod (backoffLimit).
struct BootstrapRunner: Service {
    let options: BootstrapOptions
    let flink: FlinkRESTClient
    let supervisor: Client
    let progress: BootstrapProgress
    let logger: Logger

    func run() async throws {
        guard !options.dryRun else {
            progress.update { $0.phase = .succeeded }
            logger.info("dry run: nothing to do")
            return
        }
        do {
            let jobId = try await submit()
            progress.update { $0.phase = .reporting }
            do {
                try await retrying("report") { try await report(.started, flinkJobId: $0, message: nil) }
            } catch {
                logger.error("cannot report job \(jobId); cancelling it so a retry does not run it twice")
                try? await flink.cancel(jobId)
                throw error
            }
            progress.update { $0.phase = .succeeded }
            logger.info("job \(options.jobName) started as Flink job \(jobId)")
        } catch {
            progress.update {
                $0.phase = .failed
                $0.lastError = "\(error)"
            }
            try? await report(.failed, flinkJobId: nil, message: "\(error)", attempt: options.attempts)
            throw error
        }
    }

    /// Uploads and runs the JAR; returns the Flink job id.
    private func submit() async throws -> String {
        let url = URL(fileURLWithPath: options.jarPath)
        guard let contents = FileManager.default.contents(atPath: url.path) else {
            throw BootstrapError.rejected("cannot read the JAR \(options.jarPath) in this container")
        }
        progress.update { $0.phase = .uploading }
        let jarId = try await retrying("upload") { _ in try await flink.uploadJar(contents: contents, fileName: url.lastPathComponent) }
        progress.update { $0.phase = .running }
        // One job id for every run attempt: a retry after a lost answer cannot start the job twice.
        let request = RunRequest(
            entryClass: options.className, parallelism: options.parallelism, arguments: options.arguments,
            savepointPath: options.savepointPath.flatMap { $0.isEmpty ? nil : $0 }, allowNonRestoredState: false,
            jobId: UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        )
        let jobId = try await retrying("run") { _ in try await flink.runJar(jarId, request) }
        progress.update { $0.flinkJobId = jobId }
        try? await flink.deleteJar(jarId)
        return jobId
    }

    /// Runs `step` up to `options.attempts` times; errors that cannot succeed later stop at once.
    private func retrying<T: Sendable>(_ step: String, _ body: (String) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            progress.update { $0.attempts += 1 }
            do {
                return try await body(progress.snapshot.flinkJobId ?? "")
            } catch let error as FlinkError where !error.isRetryable {
                throw error
            } catch {
                guard attempt < options.attempts else { throw error }
                logger.warning("\(step) failed (attempt \(attempt) of \(options.attempts)): \(error); retrying")
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int(options.retryDelay * 1000)))
            }
        }
    }

    private func report(
        _ outcome: Components.Schemas.BootstrapReport.OutcomePayload, flinkJobId: String?, message: String?, attempt: Int = 1
    ) async throws {
        let body = Components.Schemas.BootstrapReport(outcome: outcome, flinkJobId: flinkJobId, attempt: Int32(attempt), message: message)
        let output = try await supervisor.reportBootstrap(path: .init(jobName: options.jobName), body: .json(body))
        switch output {
        case .accepted(let accepted):
            let message = (try? accepted.body.json.message) ?? nil
            logger.info("supervisor: \(message ?? "accepted")")
        case .badRequest(let answer):
            throw BootstrapError.rejected("supervisor rejected the report: \((try? answer.body.json.error) ?? "bad request")")
        case .notFound(let answer):
            throw BootstrapError.rejected("supervisor does not know the job: \((try? answer.body.json.error) ?? "not found")")
        case .`default`(let code, let answer):
            throw BootstrapError.rejected("supervisor answered \(code): \((try? answer.body.json.error) ?? "")")
        }
    }
}

/// Why a bootstrap failed.
enum BootstrapError: Error, CustomStringConvertible {
    case rejected(String)

    var description: String {
        switch self {
        case .rejected(let message): return message
        }
    }
}
