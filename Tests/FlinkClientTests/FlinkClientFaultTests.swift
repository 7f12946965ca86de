import FlinkClient
import Foundation
import Hummingbird
import NIOCore
import Testing

@Suite("Flink client: faults real Flink cannot produce")
struct FlinkClientFaultTests {
    @Test("malformed JSON is a typed malformed error")
    func malformed() async throws {
        try await withFakeFlink({ $0.get("overview") { _, _ in answer(.ok, #"{"taskmanagers": "many"#) } }) { url in
            let client = FlinkRESTClient(baseURL: url)
            await #expect(throws: FlinkError.self) { _ = try await client.overview() }
            do { _ = try await client.overview() } catch let error as FlinkError {
                guard case .malformed = error else { Issue.record("expected malformed, got \(error)"); return }
                #expect(!error.isRetryable)
            }
            try await client.shutdown()
        }
    }

    @Test("5xx answers carry Flink's error messages and are retryable; 4xx are rejections; 404 is not found")
    func errorCodes() async throws {
        try await withFakeFlink({ router in
            router.get("jobs") { _, _ in answer(.internalServerError, #"{"errors":["Internal server error.","boom"]}"#) }
            router.post("jars/:id/run") { _, _ in answer(.badRequest, #"{"errors":["Could not execute application."]}"#) }
            router.patch("jobs/:id") { _, _ in answer(.notFound, #"{"errors":["Job could not be found."]}"#) }
        }) { url in
            let client = FlinkRESTClient(baseURL: url)
            do {
                _ = try await client.jobs()
                Issue.record("expected an error")
            } catch let error as FlinkError {
                #expect(error == .serverError(code: 500, errors: ["Internal server error.", "boom"]))
                #expect(error.isRetryable)
            }
            do {
                _ = try await client.runJar("x.jar", RunRequest(entryClass: "A", parallelism: 1))
                Issue.record("expected an error")
            } catch let error as FlinkError {
                #expect(error == .rejected(code: 400, errors: ["Could not execute application."]))
            }
            do {
                try await client.cancel("0123")
                Issue.record("expected an error")
            } catch let error as FlinkError {
                guard case .notFound = error else { Issue.record("expected notFound, got \(error)"); return }
            }
            try await client.shutdown()
        }
    }

    @Test("a slow answer times out with a typed error")
    func slow() async throws {
        try await withFakeFlink({ router in
            router.get("overview") { _, _ in
                try await Task.sleep(for: .seconds(3))
                return answer(.ok, "{}")
            }
        }) { url in
            var timeouts = FlinkTimeouts()
            timeouts.request = .milliseconds(300)
            let client = FlinkRESTClient(baseURL: url, timeouts: timeouts)
            do {
                _ = try await client.overview()
                Issue.record("expected a timeout")
            } catch let error as FlinkError {
                guard case .timeout = error else { Issue.record("expected timeout, got \(error)"); return }
                #expect(error.isRetryable)
            }
            try await client.shutdown()
        }
    }

    @Test("nothing listening is unreachable")
    func unreachable() async throws {
        let client = FlinkRESTClient(baseURL: URL(string: "http://127.0.0.1:1")!)
        do {
            _ = try await client.overview()
            Issue.record("expected an error")
        } catch let error as FlinkError {
            guard case .unreachable = error else { Issue.record("expected unreachable, got \(error)"); return }
        }
        try await client.shutdown()
    }

    @Test(
        "a savepoint COMPLETED with a failure cause is a failure; without a location too",
        arguments: [
            (#"{"status":{"id":"IN_PROGRESS"},"operation":null}"#, SavepointStatus.inProgress),
            (#"{"status":{"id":"COMPLETED"},"operation":{"location":"file:/sp/savepoint-1"}}"#, .completed(location: "file:/sp/savepoint-1")),
            (
                #"{"status":{"id":"COMPLETED"},"operation":{"failure-cause":{"class":"X","stack-trace":"org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job\n\tat ..."}}}"#,
                .failed(cause: "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job")
            ),
            (#"{"status":{"id":"COMPLETED"},"operation":{}}"#, .failed(cause: "no savepoint location")),
        ])
    func savepointStatus(json: String, expected: SavepointStatus) async throws {
        let status = try await withFakeFlink({ router in
            router.get("jobs/:id/savepoints/:trigger") { _, _ in answer(.ok, json) }
        }) { url in
            let client = FlinkRESTClient(baseURL: url)
            defer { Task { try? await client.shutdown() } }
            return try await client.savepointStatus("j", triggerId: "t")
        }
        #expect(status == expected)
    }

    @Test("a Flink that rejects triggerId (before 1.15, 400): the request is sent once more without it; Flink's id returned")
    func triggerIdRejected() async throws {
        let bodies = Bodies()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
            bodies.append(body)
            guard !body.contains("triggerId") else {  // Flink 1.12's answer, measured
                return answer(
                    .badRequest,
                    #"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Request did not match expected format SavepointTriggerRequestBody."]}"#
                )
            }
            return answer(.accepted, #"{"request-id":"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"}"#)
        }
        try await withFakeFlink({ router in
            router.post("jobs/:id/savepoints", use: handler)
            router.post("jobs/:id/stop", use: handler)
        }) { url in
            let client = FlinkRESTClient(baseURL: url)
            let ours = String(repeating: "a", count: 32)
            #expect(try await client.triggerSavepoint("j", targetDirectory: "file:///sp", triggerId: ours) == "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f")
            #expect(try await client.stopWithSavepoint("j", targetDirectory: "file:///sp", triggerId: ours) == "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f")
            #expect(bodies.all.map { $0.contains(ours) } == [true, false, true, false], "each sent twice: with our id, then without")
            try await client.shutdown()
        }
    }
}

/// Request bodies a fake route received, in order.
final class Bodies: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [String] = []
    func append(_ body: String) { lock.withLock { bodies.append(body) } }
    var all: [String] { lock.withLock { bodies } }
}
