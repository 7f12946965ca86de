import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Per-call timeouts of the Flink REST client.
public struct FlinkTimeouts: Sendable, Hashable {
    /// Reads and small commands.
    public var request: TimeAmount = .seconds(10)
    /// JAR uploads.
    public var upload: TimeAmount = .seconds(300)
    /// JAR runs (Flink executes `main()` before answering).
    public var run: TimeAmount = .seconds(100)

    /// The defaults: 10 s, uploads 300 s, runs 100 s (as the original).
    public init() {}
}

/// A narrow client of one JobManager's REST API, returning domain values.
public final class FlinkRESTClient: Sendable {
    /// Base URL, e.g. `http://jobmanager-demo:8081`.
    public let baseURL: URL
    let http: HTTPClient
    private let ownsClient: Bool
    let timeouts: FlinkTimeouts

    /// A client of the JobManager at `baseURL`; it shares `httpClient` when given, else owns one.
    public init(baseURL: URL, httpClient: HTTPClient? = nil, timeouts: FlinkTimeouts = FlinkTimeouts()) {
        self.baseURL = baseURL
        self.http = httpClient ?? HTTPClient(eventLoopGroupProvider: .singleton)
        self.ownsClient = httpClient == nil
        self.timeouts = timeouts
    }

    /// Closes the connections when the client owns them.
    public func shutdown() async throws {
        if ownsClient { try await http.shutdown() }
    }

    /// Sends a request and returns the body of a 2xx answer; other answers throw a `FlinkError`.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        contentType: String = "application/json", timeout: TimeAmount? = nil
    ) async throws -> Data {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
        let basePath = components?.path ?? ""
        components?.path = (basePath.hasSuffix("/") ? String(basePath.dropLast()) : basePath) + path
        if !query.isEmpty { components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components?.url?.absoluteString else { throw FlinkError.malformed("bad path \(path)") }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(data: body))
        }
        let answer: (code: Int, data: Data)
        do {
            let response = try await http.execute(request, timeout: timeout ?? timeouts.request)
            let bytes = try await response.body.collect(upTo: 64 << 20)
            answer = (Int(response.status.code), Data(buffer: bytes))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw FlinkError.timeout("\(method.rawValue) \(path)")
        } catch {
            throw FlinkError.unreachable("\(method.rawValue) \(path): \(error)")
        }
        guard (200..<300).contains(answer.code) else { throw Self.error(code: answer.code, data: answer.data, what: "\(method.rawValue) \(path)") }
        return answer.data
    }

    /// Decodes a JSON answer, or throws `.malformed`.
    func decode<Value: Decodable>(_ type: Value.Type, _ data: Data, _ what: String) throws -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw FlinkError.malformed("\(what): \(error)")
        }
    }

    /// Sends JSON and decodes the answer.
    func json<Value: Decodable, Body: Encodable>(
        _ method: HTTPMethod, _ path: String, body: Body, as type: Value.Type, timeout: TimeAmount? = nil
    ) async throws -> Value {
        let data = try await send(method, path, body: try JSONEncoder().encode(body), timeout: timeout)
        return try decode(Value.self, data, "\(method.rawValue) \(path)")
    }

    /// Reads and decodes a JSON answer.
    func get<Value: Decodable>(_ path: String, query: [(String, String)] = [], as type: Value.Type) async throws -> Value {
        try decode(Value.self, try await send(.GET, path, query: query), "GET \(path)")
    }

    private struct ErrorBody: Decodable { var errors: [String] }

    static func error(code: Int, data: Data, what: String) -> FlinkError {
        let errors =
            (try? JSONDecoder().decode(ErrorBody.self, from: data))?.errors
            ?? [String(decoding: data.prefix(500), as: UTF8.self)]
        switch code {
        case 404: return .notFound("\(what): \(errors.joined(separator: "; "))")
        case 400..<500: return .rejected(code: code, errors: errors)
        default: return .serverError(code: code, errors: errors)
        }
    }
}
