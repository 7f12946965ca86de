/// A queue of keys to reconcile, as controllers use it.
///
/// - A key is queued at most once: adding a queued key does nothing (dedup).
/// - A key being processed is never handed out twice; if it is added meanwhile, it is queued again when `done`.
/// - `addRateLimited` re-adds a key after a capped exponential backoff with jitter that grows with its failures;
///   `forget` resets it.
/// - A key has at most one delayed add: a later `add(_:after:)` (or `addRateLimited`) replaces the earlier one, since
///   the pass that asked last knew the most. (A timer per call would let every event start a new chain of
///   rechecks that never merge: a supervisor at rest reconciled 2.4 times a second instead of once per interval.)
/// - `metrics` hears of every add, retry, hand-out and change of depth (client-go's work-queue metrics).
public actor WorkQueue<Key: Hashable & Sendable> {
    private var queue: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var failures: [Key: Int] = [:]
    /// When each queued (or re-queued while processing) key was added, on `elapsed`'s scale.
    private var addedAt: [Key: Duration] = [:]
    /// The pending delayed add of each key: its token (which a timer must still hold to fire) and its timer.
    private var delayed: [Key: (token: Int, timer: Task<Void, Never>)] = [:]
    private var nextToken = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Key?, Never>)] = []
    private var nextWaiterID = 0
    private var shuttingDown = false
    private let retry: Backoff
    private let clock: any Clock<Duration>
    /// Time since the queue was made, read from `clock`.
    private let elapsed: @Sendable () -> Duration
    private let metrics: WorkQueueMetrics

    /// A queue whose retries back off from `baseDelay`, doubling up to `maxDelay`, each shortened at random by up to
    /// `jitter` of it (numbers from `random`, in `0..<1`), timed by `clock`, reporting to `metrics`.
    public init(
        baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .seconds(300), jitter: Double = 0.5,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        clock: any Clock<Duration> = ContinuousClock(), metrics: WorkQueueMetrics = .none
    ) {
        self.retry = Backoff(base: baseDelay, cap: maxDelay, jitter: jitter, random: random)
        self.clock = clock
        self.elapsed = Self.stopwatch(clock)
        self.metrics = metrics
    }

    private static func stopwatch<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// Queues `key` unless it is already queued.
    public func add(_ key: Key) {
        guard !shuttingDown, !dirty.contains(key) else { return }
        dirty.insert(key)
        addedAt[key] = elapsed()
        metrics.added()
        guard !processing.contains(key) else { return }
        push(key)
    }

    /// Puts a dirty key that no worker holds in the queue, or hands it straight to a waiting consumer.
    private func push(_ key: Key) {
        if waiters.isEmpty {
            queue.append(key)
            metrics.depthChanged(depth)
        } else {
            handOut(key)
            waiters.removeFirst().continuation.resume(returning: key)
        }
    }

    /// Marks `key` taken by a worker and reports how long it waited since it was added.
    private func handOut(_ key: Key) {
        dirty.remove(key)
        processing.insert(key)
        if let added = addedAt.removeValue(forKey: key) { metrics.waited(elapsed() - added) }
    }

    /// Queues `key` after `delay`, replacing the key's pending delayed add if it has one.
    public func add(_ key: Key, after delay: Duration) {
        guard !shuttingDown else { return }
        nextToken += 1
        let token = nextToken
        delayed[key]?.timer.cancel()
        let timer = Task { [clock] in
            do { try await clock.sleep(for: delay) } catch { return }
            await self.fire(key, token: token)
        }
        delayed[key] = (token, timer)
    }

    private func fire(_ key: Key, token: Int) {
        guard delayed[key]?.token == token else { return }
        delayed[key] = nil
        add(key)
    }

    /// Keys with a pending delayed add.
    public var delayedCount: Int { delayed.count }

    /// Queues `key` after a backoff that doubles with each consecutive failure of that key, up to `maxDelay`;
    /// returns the delay.
    @discardableResult
    public func addRateLimited(_ key: Key) -> Duration {
        let attempt = failures[key, default: 0]
        failures[key] = attempt + 1
        metrics.retried()
        let delay = backoff(attempt: attempt)
        add(key, after: delay)
        return delay
    }

    /// The delay of the `attempt`-th retry (0-based): `min(maxDelay, baseDelay * 2^attempt)`, less the jitter.
    public func backoff(attempt: Int) -> Duration { retry.delay(attempt: attempt) }

    /// Clears the failure count of `key` after it succeeded.
    public func forget(_ key: Key) { failures[key] = nil }

    /// How often `key` failed in a row.
    public func failureCount(_ key: Key) -> Int { failures[key, default: 0] }

    /// The next key to process, waiting for one; `nil` once the queue shuts down or the calling task is cancelled.
    public func next() async -> Key? {
        if head < queue.count {
            let key = queue[head]
            head += 1
            if head > 64, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            handOut(key)
            metrics.depthChanged(depth)
            return key
        }
        if shuttingDown || Task.isCancelled { return nil }
        nextWaiterID += 1
        let id = nextWaiterID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { waiters.append((id, $0)) }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: nil)
    }

    /// Marks `key` processed; if it was added meanwhile, it is queued again (an add already counted: its wait runs
    /// from that add).
    public func done(_ key: Key) {
        processing.remove(key)
        guard dirty.contains(key) else { return }
        if shuttingDown {
            dirty.remove(key)
            addedAt[key] = nil
        } else {
            push(key)
        }
    }

    /// Keys waiting to be processed.
    public var depth: Int { queue.count - head }

    /// Stops handing out keys; waiting `next()` calls return `nil`.
    public func shutDown() {
        shuttingDown = true
        delayed.values.forEach { $0.timer.cancel() }
        delayed.removeAll()
        let pending = waiters
        waiters.removeAll()
        pending.forEach { $0.continuation.resume(returning: nil) }
    }
}
