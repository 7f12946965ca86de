import KubeClient
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test(
        "the ceiling doubles from the base up to the cap, and negative or huge attempts are safe",
        arguments: [
            (-1, Duration.milliseconds(500)), (0, .milliseconds(500)), (1, .seconds(1)), (5, .seconds(16)), (6, .seconds(30)),
            (1000, .seconds(30)),
        ])
    func ceiling(attempt: Int, expected: Duration) {
        #expect(Backoff(base: .milliseconds(500), cap: .seconds(30)).ceiling(attempt: attempt) == expected)
    }

    @Test(
        "a delay is the ceiling shortened by jitter × the random draw",
        arguments: [
            (0.0, 0.0, Duration.seconds(8)), (0.5, 0.0, .seconds(8)), (0.5, 0.5, .seconds(6)), (1.0, 1.0, .zero), (0.0, 1.0, .seconds(8)),
        ])
    func delay(jitter: Double, draw: Double, expected: Duration) {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(30), jitter: jitter, random: { draw })
        #expect(backoff.delay(attempt: 3) == expected)
    }

    @Test("out-of-range jitter and random draws are clamped, so a delay never exceeds its ceiling or goes negative")
    func clamped() {
        #expect(Backoff(base: .seconds(1), cap: .seconds(4), jitter: 2, random: { 7 }).delay(attempt: 10) == .zero)
        #expect(Backoff(base: .seconds(1), cap: .seconds(4), jitter: -1, random: { 0.9 }).delay(attempt: 10) == .seconds(4))
        #expect(Backoff(base: .seconds(1), cap: .seconds(4), random: { -3 }).delay(attempt: 10) == .seconds(4))
    }
}
