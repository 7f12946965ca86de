import FlinkClient
import Foundation
import ToolboxAPI

/// The calls the bootstrap makes to the JobManager's REST API (`FlinkRESTClient`; scripted fakes in tests).
public protocol BootstrapFlink: Sendable {
    /// Uploads a JAR; returns its id.
    func uploadJar(contents: Data, fileName: String) async throws -> String
    /// Runs an uploaded JAR; returns the Flink job id.
    func runJar(_ jarId: String, _ request: RunRequest) async throws -> String
    /// Deletes an uploaded JAR.
    func deleteJar(_ jarId: String) async throws
    /// Cancels a Flink job.
    func cancel(_ jobId: String) async throws
    /// The vertices an uploaded JAR would run with these arguments (`/jars/<id>/plan`).
    func jarPlan(jarId: String, entryClass: String?, programArgs: [String], parallelism: Int?) async throws -> [JobGraphVertex]
}

extension FlinkRESTClient: BootstrapFlink {}

/// Where the bootstrap reports its outcome: the supervisor's internal API (`SupervisorReporter`; fakes in tests).
public protocol BootstrapReporter: Sendable {
    /// Sends `report` about job `jobName`; returns the supervisor's answer. Throws when the report was not accepted.
    func report(jobName: String, _ report: Components.Schemas.BootstrapReport) async throws -> String
}

/// Reports to the supervisor through the generated client of the toolbox API.
public struct SupervisorReporter: BootstrapReporter {
    let api: any APIProtocol

    /// A reporter over `api` (the generated `Client` of the supervisor's URL).
    public init(api: any APIProtocol) { self.api = api }

    public func report(jobName: String, _ report: Components.Schemas.BootstrapReport) async throws -> String {
        let output = try await api.reportBootstrap(path: .init(jobName: jobName), body: .json(report))
        switch output {
        case .accepted(let accepted):
            return ((try? accepted.body.json.message) ?? nil) ?? "accepted"
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
public enum BootstrapError: Error, CustomStringConvertible, Equatable {
    case rejected(String)

    public var description: String {
        switch self {
        case .rejected(let message): return message
        }
    }
}
