import Foundation

/// A vertex (operator chain) of a job graph: what `/jars/<id>/plan` lists for a job not yet run and `/jobs/<id>`
/// for a running one. The id is derived from the uid of the chain's head operator, so it is stable across versions
/// of a job whose operators set `uid`s.
public struct JobGraphVertex: Sendable, Hashable, Codable {
    /// The vertex id (32 hex digits).
    public var id: String
    /// The chain's name or description.
    public var name: String

    /// A vertex `id` named `name`.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// The body of `POST /jars/<id>/plan` (Flink 2.x reads `programArgsList`, not the legacy `programArgs` string).
struct PlanRequest: Encodable {
    var entryClass: String?
    var programArgsList: [String]
    var parallelism: Int?
}

extension FlinkRESTClient {
    /// `POST /jars/<id>/plan`: the job graph the JAR would run with these arguments, without running it.
    public func jarPlan(jarId: String, entryClass: String?, programArgs: [String], parallelism: Int?) async throws -> [JobGraphVertex] {
        let request = PlanRequest(entryClass: entryClass, programArgsList: programArgs, parallelism: parallelism)
        let data = try await send(.POST, "/jars/\(jarId)/plan", body: try JSONEncoder().encode(request), timeout: timeouts.run)
        return try Self.planVertices(from: data)
    }

    /// Interprets a plan answer: `{"plan":{"jid":...,"nodes":[{"id":...,"description":...,"operator":...}]}}`.
    static func planVertices(from data: Data) throws -> [JobGraphVertex] {
        struct Answer: Decodable {
            struct Plan: Decodable { var nodes: [Node] }
            struct Node: Decodable {
                var id: String
                var description: String?
                var operatorName: String?
                enum CodingKeys: String, CodingKey {
                    case id, description
                    case operatorName = "operator"
                }
            }
            var plan: Plan
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw FlinkError.malformed("POST /jars/<id>/plan: \(error)")
        }
        return answer.plan.nodes.map { node in
            // Flink writes a chain's description as HTML: "Counter<br/>+- Discard: Writer<br/>".
            let lines = (node.description ?? node.operatorName ?? node.id).components(separatedBy: "<br/>")
            let name = lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
            return JobGraphVertex(id: node.id, name: name.isEmpty ? node.id : name)
        }
    }

    /// `/jobs/<id>/checkpoints/details/<checkpoint>`: each vertex's state size in that checkpoint (bytes; the larger
    /// of Flink's `state_size` and `checkpointed_size`).
    public func checkpointStateSizes(_ jobId: String, checkpointId: Int64) async throws -> [String: Int64] {
        try Self.stateSizes(from: try await send(.GET, "/jobs/\(jobId)/checkpoints/details/\(checkpointId)"))
    }

    /// Interprets a checkpoint details answer: `{"tasks":{"<vertex id>":{"state_size":...,"checkpointed_size":...}}}`.
    static func stateSizes(from data: Data) throws -> [String: Int64] {
        struct Answer: Decodable {
            struct Task: Decodable {
                var stateSize: Int64?
                var checkpointedSize: Int64?
                enum CodingKeys: String, CodingKey {
                    case stateSize = "state_size"
                    case checkpointedSize = "checkpointed_size"
                }
            }
            var tasks: [String: Task]
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw FlinkError.malformed("GET /jobs/<id>/checkpoints/details: \(error)")
        }
        return answer.tasks.mapValues { max($0.stateSize ?? 0, $0.checkpointedSize ?? 0) }
    }
}
