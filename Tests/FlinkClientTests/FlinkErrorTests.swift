import FlinkClient
import Testing

@Suite("Flink error classification")
struct FlinkErrorTests {
    @Test(
        "unreachable, timeout and 5xx are retryable; not found, rejected and malformed are terminal; each has a CamelCase reason",
        arguments: [
            (FlinkError.unreachable("refused"), true, "FlinkUnreachable"),
            (.timeout("30 s"), true, "FlinkTimeout"),
            (.serverError(code: 500, errors: ["boom"]), true, "FlinkServerError"),
            (.notFound("job"), false, "FlinkNotFound"),
            (.rejected(code: 400, errors: ["main() threw"]), false, "FlinkRejected"),
            (.malformed("not JSON"), false, "FlinkMalformedResponse"),
        ])
    func classes(error: FlinkError, retryable: Bool, reason: String) {
        #expect(error.isRetryable == retryable)
        #expect(error.terminalReason == reason)
        #expect(reason.first?.isUppercase == true && !reason.contains(" "))
    }
}
