import KubeClient
import Testing

@Suite("Work queue")
struct WorkQueueTests {
    @Test("a key added twice is queued once")
    func dedup() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.depth == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        #expect(await queue.depth == 0)
    }

    @Test("a key added while it is processed is handed out again only after done")
    func addedWhileProcessing() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        let first = await queue.next()
        await queue.add("a")
        #expect(await queue.depth == 0)
        await queue.done("a")
        #expect(first == "a")
        #expect(await queue.depth == 1)
        #expect(await queue.next() == "a")
    }

    @Test("a waiting consumer gets a key added later")
    func waitingConsumer() async {
        let queue = WorkQueue<Int>()
        async let next = queue.next()
        try? await Task.sleep(for: .milliseconds(20))
        await queue.add(7)
        #expect(await next == 7)
    }

    @Test(
        "backoff doubles per failure from the base and stops at the maximum",
        arguments: [
            (0, Duration.milliseconds(5)), (1, .milliseconds(10)), (4, .milliseconds(80)), (20, .seconds(300)), (100, .seconds(300)),
        ])
    func backoff(attempt: Int, expected: Duration) async {
        let queue = WorkQueue<String>(baseDelay: .milliseconds(5), maxDelay: .seconds(300), random: { 0 })
        #expect(await queue.backoff(attempt: attempt) == expected)
    }

    @Test("jitter shortens a delay by up to half, never past the cap, and the delays still grow", arguments: [0.0, 0.25, 0.5, 0.999])
    func jitter(draw: Double) async {
        let queue = WorkQueue<String>(baseDelay: .milliseconds(5), maxDelay: .seconds(300), random: { draw })
        var previous = Duration.zero
        for attempt in 0..<40 {
            let ceiling = min(Duration.milliseconds(5) * (1 << attempt), .seconds(300))
            let delay = await queue.backoff(attempt: attempt)
            #expect(delay <= ceiling && delay >= ceiling / 2, "attempt \(attempt): \(delay) outside [\(ceiling / 2), \(ceiling)]")
            #expect(delay >= previous)
            #expect(delay <= .seconds(300))
            previous = delay
        }
    }

    @Test("with the system's random numbers, delays stay within [ceiling/2, ceiling] and are not all equal")
    func randomJitter() async {
        let queue = WorkQueue<String>(baseDelay: .milliseconds(5), maxDelay: .seconds(300))
        var seen: Set<Duration> = []
        for _ in 0..<50 {
            let delay = await queue.backoff(attempt: 3)
            #expect(delay <= .milliseconds(40) && delay >= .milliseconds(20))
            seen.insert(delay)
        }
        #expect(seen.count > 1)
    }

    @Test("rate-limited adds count failures until forgotten, and the key comes back")
    func rateLimited() async {
        let queue = WorkQueue<String>(baseDelay: .milliseconds(1), maxDelay: .milliseconds(4))
        await queue.addRateLimited("a")
        await queue.addRateLimited("a")
        #expect(await queue.failureCount("a") == 2)
        #expect(await queue.next() == "a")
        await queue.forget("a")
        #expect(await queue.failureCount("a") == 0)
    }

    @Test("the backoff of a key grows with its failures and starts again from the base once forgotten")
    func forgetResetsBackoff() async throws {
        let clock = ContinuousClock()
        let queue = WorkQueue<String>(baseDelay: .milliseconds(40), maxDelay: .seconds(10), random: { 0 }, clock: clock)
        // The delay the queue chose, and that the key did not come back before it (no upper bound on real time:
        // a loaded machine may wake the sleeper late).
        func retryDelay() async -> Duration {
            let start = clock.now
            let delay = await queue.addRateLimited("a")
            _ = await queue.next()
            await queue.done("a")
            #expect(clock.now - start >= delay)
            return delay
        }
        let delays = [await retryDelay(), await retryDelay(), await retryDelay()]
        #expect(await queue.failureCount("a") == 3)
        #expect(delays == [.milliseconds(40), .milliseconds(80), .milliseconds(160)])
        await queue.forget("a")
        #expect(await retryDelay() == .milliseconds(40))
    }

    @Test("shutting down releases waiting consumers with nil")
    func shutDown() async {
        let queue = WorkQueue<String>()
        async let next = queue.next()
        try? await Task.sleep(for: .milliseconds(20))
        await queue.shutDown()
        #expect(await next == nil)
        await queue.add("late")
        #expect(await queue.depth == 0)
    }

    @Test("a waiting consumer whose task is cancelled gets nil")
    func cancelledConsumer() async {
        let queue = WorkQueue<String>()
        let waiting = Task { await queue.next() }
        try? await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        #expect(await waiting.value == nil)
        await queue.add("a")
        #expect(await queue.next() == "a")
    }

    @Test("a key has one delayed add: re-scheduling it replaces the pending one, so rechecks never pile up")
    func oneDelayedAddPerKey() async {
        let queue = WorkQueue<String>()
        for _ in 0..<100 { await queue.add("a", after: .milliseconds(20)) }
        await queue.add("b", after: .milliseconds(20))
        #expect(await queue.delayedCount == 2)
        var handedOut: Set<String> = []
        for _ in 0..<2 {
            if let key = await queue.next() { handedOut.insert(key) }
        }
        #expect(handedOut == ["a", "b"])
        #expect(await queue.delayedCount == 0, "each fired timer was the key's only one")
    }

    @Test("the latest delayed add wins: a key asked for in an hour, then in 1 ms, comes back now", .timeLimit(.minutes(1)))
    func latestDelayedAddWins() async {
        let queue = WorkQueue<String>()
        await queue.add("a", after: .seconds(3600))
        await queue.add("a", after: .milliseconds(1))
        #expect(await queue.next() == "a")
        await queue.done("a")
        #expect(await queue.delayedCount == 0, "the hour-long timer was replaced, not left pending")
    }

    @Test("shutting down drops pending delayed adds")
    func shutDownDropsDelayed() async {
        let queue = WorkQueue<String>()
        await queue.add("a", after: .seconds(3600))
        await queue.shutDown()
        #expect(await queue.delayedCount == 0)
    }
}
