import KubeClient
import Synchronization
import Testing

/// A clock that moves only when told to; `sleep` waits (in real time) until it has been moved far enough.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Instant(offset: .zero))
    var now: Instant { current.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func advance(by duration: Duration) { current.withLock { $0 = $0.advanced(by: duration) } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while now < deadline { try await Task.sleep(for: .milliseconds(1)) }
    }
}

/// What a queue reported.
final class QueueReports: Sendable {
    private struct Reports {
        var adds = 0
        var retries = 0
        var waits: [Duration] = []
        var depths: [Int] = []
    }
    private let reports = Mutex(Reports())

    var adds: Int { reports.withLock { $0.adds } }
    var retries: Int { reports.withLock { $0.retries } }
    var waits: [Duration] { reports.withLock { $0.waits } }
    var depths: [Int] { reports.withLock { $0.depths } }

    var metrics: WorkQueueMetrics {
        WorkQueueMetrics(
            added: { self.reports.withLock { $0.adds += 1 } }, retried: { self.reports.withLock { $0.retries += 1 } },
            waited: { wait in self.reports.withLock { $0.waits.append(wait) } }, depthChanged: { depth in self.reports.withLock { $0.depths.append(depth) } }
        )
    }
}

@Suite("Work queue metrics")
struct WorkQueueMetricsTests {
    @Test("adds count keys that were not already waiting; a key re-queued after done is not counted twice")
    func adds() async {
        let reports = QueueReports()
        let queue = WorkQueue<String>(metrics: reports.metrics)
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(reports.adds == 2)
        _ = await queue.next()
        await queue.add("a")  // while processing: a new add, queued again only when done
        await queue.add("a")
        #expect(reports.adds == 3)
        await queue.done("a")
        #expect(reports.adds == 3)
        #expect(await queue.depth == 2)
    }

    @Test("retries count each rate-limited add")
    func retries() async {
        let reports = QueueReports()
        let queue = WorkQueue<String>(baseDelay: .seconds(3600), metrics: reports.metrics)
        await queue.addRateLimited("a")
        await queue.addRateLimited("a")
        await queue.addRateLimited("b")
        #expect(reports.retries == 3)
        #expect(reports.adds == 0, "nothing was queued yet: the retries wait for their backoff")
    }

    @Test("the wait of a key runs from its add to a worker taking it")
    func waitFromAddToHandOut() async {
        let clock = ManualClock()
        let reports = QueueReports()
        let queue = WorkQueue<String>(clock: clock, metrics: reports.metrics)
        await queue.add("a")
        clock.advance(by: .seconds(2))
        await queue.add("b")
        clock.advance(by: .seconds(3))
        _ = await queue.next()
        _ = await queue.next()
        #expect(reports.waits == [.seconds(5), .seconds(3)])
    }

    @Test("a key added while it is processed waits from that add, through the pass that held it, until taken again")
    func waitAcrossProcessing() async {
        let clock = ManualClock()
        let reports = QueueReports()
        let queue = WorkQueue<String>(clock: clock, metrics: reports.metrics)
        await queue.add("a")
        _ = await queue.next()
        clock.advance(by: .seconds(1))
        await queue.add("a")
        clock.advance(by: .seconds(4))
        await queue.done("a")
        clock.advance(by: .seconds(2))
        _ = await queue.next()
        #expect(reports.waits == [.zero, .seconds(6)])
    }

    @Test("a key handed straight to a waiting worker waited no time")
    func waitingWorker() async {
        let clock = ManualClock()
        let reports = QueueReports()
        let queue = WorkQueue<String>(clock: clock, metrics: reports.metrics)
        async let next = queue.next()
        try? await Task.sleep(for: .milliseconds(20))
        await queue.add("a")
        #expect(await next == "a")
        #expect(reports.waits == [.zero])
    }

    @Test("depth is reported on every change")
    func depth() async {
        let reports = QueueReports()
        let queue = WorkQueue<String>(metrics: reports.metrics)
        await queue.add("a")
        await queue.add("b")
        await queue.add("b")
        _ = await queue.next()
        _ = await queue.next()
        #expect(reports.depths == [1, 2, 1, 0])
    }
}
