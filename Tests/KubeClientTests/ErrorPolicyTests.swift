import Foundation
import KubeClient
import Testing

/// An error of another client (as FlinkError is) that classifies itself.
private struct ForeignError: ClassifiedError {
    var isRetryable: Bool
    var terminalReason: String
}

@Suite("Error policy")
struct ErrorPolicyTests {
    static let policy = ErrorPolicy()

    @Test(
        "Kubernetes: server errors, throttling, lost connections, conflicts and expired versions are retried",
        arguments: [
            (500, KubeError.Kind.serverError), (503, .serverError), (429, .tooManyRequests), (409, .conflict), (410, .gone),
            (0, .transport),
        ])
    func kubeRetryable(code: Int, kind: KubeError.Kind) {
        #expect(Self.policy.classify(KubeError(kind: kind, code: code, message: "x")) == .retryable)
    }

    @Test(
        "Kubernetes: rejections are terminal with the API's reason",
        arguments: [
            (400, KubeError.Kind.badRequest, "BadRequest"), (401, .unauthorized, "Unauthorized"), (403, .forbidden, "Forbidden"),
            (404, .notFound, "NotFound"), (405, .methodNotAllowed, "MethodNotAllowed"), (409, .alreadyExists, "AlreadyExists"),
            (415, .unsupportedMediaType, "UnsupportedMediaType"), (422, .invalid, "Invalid"), (0, .decoding, "DecodingFailed"),
        ])
    func kubeTerminal(code: Int, kind: KubeError.Kind, reason: String) {
        #expect(Self.policy.classify(KubeError(kind: kind, code: code, message: "x")) == .terminal(reason: reason))
    }

    @Test("every kind has a CamelCase reason and the policy agrees with isRetryable")
    func everyKind() {
        let kinds: [KubeError.Kind] = [
            .notFound, .alreadyExists, .conflict, .invalid, .gone, .unauthorized, .forbidden, .badRequest, .methodNotAllowed,
            .unsupportedMediaType, .tooManyRequests, .serverError, .transport, .decoding,
        ]
        for kind in kinds {
            let error = KubeError(kind: kind, code: 0, message: "x")
            #expect(error.terminalReason.first?.isUppercase == true && !error.terminalReason.contains(" "))
            #expect((Self.policy.classify(error) == .retryable) == error.isRetryable, "\(kind)")
        }
    }

    @Test("another client's classified errors: retryable ones retry, terminal ones carry their reason")
    func foreign() {
        #expect(Self.policy.classify(ForeignError(isRetryable: true, terminalReason: "FlinkUnreachable")) == .retryable)
        #expect(Self.policy.classify(ForeignError(isRetryable: false, terminalReason: "FlinkRejected")) == .terminal(reason: "FlinkRejected"))
    }

    @Test("cancellation is neither retried nor reported")
    func cancellation() {
        #expect(Self.policy.classify(CancellationError()) == .cancelled)
    }

    @Test("a decoding error is terminal; an unknown error is retried")
    func others() throws {
        do {
            _ = try JSONDecoder().decode(Int.self, from: Data("\"x\"".utf8))
            Issue.record("expected a decoding error")
        } catch {
            #expect(Self.policy.classify(error) == .terminal(reason: "DecodingFailed"))
        }
        #expect(Self.policy.classify(URLError(.timedOut)) == .retryable)
    }

    @Test("an override decides first and falls through with nil")
    func override() {
        let policy = ErrorPolicy { error in (error as? ForeignError)?.terminalReason == "Special" ? .terminal(reason: "Special") : nil }
        #expect(policy.classify(ForeignError(isRetryable: true, terminalReason: "Special")) == .terminal(reason: "Special"))
        #expect(policy.classify(KubeError(kind: .forbidden, code: 403, message: "x")) == .terminal(reason: "Forbidden"))
    }
}
