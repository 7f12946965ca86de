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

    @Test("backoff doubles per failure from the base and stops at the maximum", arguments: [
        (0, Duration.milliseconds(5)), (1, .milliseconds(10)), (4, .milliseconds(80)), (20, .seconds(300)), (100, .seconds(300)),
    ])
    func backoff(attempt: Int, expected: Duration) async {
        let queue = WorkQueue<String>(baseDelay: .milliseconds(5), maxDelay: .seconds(300))
        #expect(await queue.backoff(attempt: attempt) == expected)
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
}
