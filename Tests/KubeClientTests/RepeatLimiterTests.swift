import Testing

@testable import KubeClient

@Suite("Lease error log limiter")
struct RepeatLimiterTests {
    @Test("an identical line passes once per interval and then reports how many were dropped; a different one always passes")
    func limits() {
        var limiter = RepeatLimiter(interval: .seconds(30))
        let start = ContinuousClock.now
        func at(_ seconds: Int) -> ContinuousClock.Instant { start.advanced(by: .seconds(seconds)) }
        #expect(limiter.admit("read forbidden 403", at: at(0)) == 0)
        #expect(limiter.admit("read forbidden 403", at: at(2)) == nil)
        #expect(limiter.admit("read forbidden 403", at: at(29)) == nil)
        #expect(limiter.admit("read forbidden 403", at: at(30)) == 2)
        #expect(limiter.admit("read forbidden 403", at: at(31)) == nil)
        #expect(limiter.admit("update conflict 409", at: at(32)) == 0)
        #expect(limiter.admit("read forbidden 403", at: at(33)) == 0)
    }
}
