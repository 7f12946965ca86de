import AsyncHTTPClient
import Foundation
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import ServiceKit
import ToolboxAPI

/// Asks a cluster's supervisor for Flink details over the internal mTLS contract.
struct SupervisorGateway: Sendable {
    let cache: OperatorCache
    /// HTTP client presenting the operator's certificate (or plain, without TLS), renewed with the certificate.
    let http: ReloadingHTTPClient
    let useTLS: Bool
    let port: Int

    /// A generated client of the supervisor of `cluster`.
    func client(for cluster: String) throws -> Client {
        guard let address = cache.supervisorAddress(of: cluster, in: RequestNamespace.current) else {
            throw ControlPlaneError.unavailable("no running supervisor for cluster \(cluster)")
        }
        let host = address.contains(":") ? "[\(address)]" : address
        guard let url = URL(string: "\(useTLS ? "https" : "http")://\(host):\(port)") else {
            throw ControlPlaneError.internalError("bad supervisor address \(address)")
        }
        return Client(serverURL: url, transport: AsyncHTTPClientTransport(configuration: .init(client: http.current(), timeout: .seconds(30))))
    }

    func jobDetails(cluster: String, job: String) async throws -> Components.Schemas.JobDetails {
        let output: Operations.GetSupervisedJobDetails.Output = try await call(cluster) { try await $0.getSupervisedJobDetails(path: .init(jobName: job)) }
        switch output {
        case .ok(let ok): return try ok.body.json
        case .notFound(let answer): throw ControlPlaneError.notFound(try answer.body.json.error)
        case .`default`(let code, let answer): throw Self.failure(code, answer)
        }
    }

    func jobMetrics(cluster: String, job: String) async throws -> Components.Schemas.JobMetrics {
        let output: Operations.GetSupervisedJobMetrics.Output = try await call(cluster) { try await $0.getSupervisedJobMetrics(path: .init(jobName: job)) }
        switch output {
        case .ok(let ok): return try ok.body.json
        case .notFound(let answer): throw ControlPlaneError.notFound(try answer.body.json.error)
        case .`default`(let code, let answer): throw Self.failure(code, answer)
        }
    }

    func jobManagerMetrics(cluster: String) async throws -> Components.Schemas.ProcessMetrics {
        let output: Operations.GetSupervisedJobManagerMetrics.Output = try await call(cluster) { try await $0.getSupervisedJobManagerMetrics() }
        switch output {
        case .ok(let ok): return try ok.body.json
        case .`default`(let code, let answer): throw Self.failure(code, answer)
        }
    }

    func taskManagers(cluster: String) async throws -> [Components.Schemas.TaskManagerInfo] {
        let output: Operations.ListSupervisedTaskManagers.Output = try await call(cluster) { try await $0.listSupervisedTaskManagers() }
        switch output {
        case .ok(let ok): return try ok.body.json
        case .`default`(let code, let answer): throw Self.failure(code, answer)
        }
    }

    func taskManagerDetails(cluster: String, id: String) async throws -> Components.Schemas.TaskManagerDetails {
        let output: Operations.GetSupervisedTaskManagerDetails.Output = try await call(cluster) {
            try await $0.getSupervisedTaskManagerDetails(path: .init(taskmanagerId: id))
        }
        switch output {
        case .ok(let ok): return try ok.body.json
        case .notFound(let answer): throw ControlPlaneError.notFound(try answer.body.json.error)
        case .`default`(let code, let answer): throw Self.failure(code, answer)
        }
    }

    func taskManagerMetrics(cluster: String, id: String) async throws -> Components.Schemas.ProcessMetrics {
        let output: Operations.GetSupervisedTaskManagerMetrics.Output = try await call(cluster) {
            try await $0.getSupervisedTaskManagerMetrics(path: .init(taskmanagerId: id))
        }
        switch output {
        case .ok(let ok): return try ok.body.json
        case .notFound(let answer): throw ControlPlaneError.notFound(try answer.body.json.error)
        case .`default`(let code, let answer): throw Self.failure(code, answer)
        }
    }

    /// Asks the supervisor to reconcile now; best effort.
    func nudge(cluster: String) async {
        _ = try? await client(for: cluster).nudgeSupervisor()
    }

    private func call<Output>(_ cluster: String, _ operation: (Client) async throws -> Output) async throws -> Output {
        let client = try client(for: cluster)
        do {
            return try await operation(client)
        } catch let error as ClientError {
            throw ControlPlaneError.unavailable("supervisor of \(cluster) unreachable: \(error.underlyingError)")
        }
    }

    private static func failure(_ code: Int, _ answer: Components.Responses.Failure) -> ControlPlaneError {
        let message = (try? answer.body.json.error) ?? "supervisor answered HTTP \(code)"
        switch code {
        case 404: return .notFound(message)
        case 501: return .notImplemented(message)
        case 400..<500: return .badRequest(message)
        default: return .unavailable(message)
        }
    }
}
