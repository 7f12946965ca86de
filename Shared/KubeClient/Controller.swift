import Logging
import Synchronization

/// What a reconcile asks of the runtime when it succeeded.
public enum ReconcileOutcome: Sendable, Equatable {
    /// Nothing to do until the next change of a watched object.
    case done
    /// Reconcile the key again after this long unless a change comes first (a timer of a state machine).
    case requeue(after: Duration)
}

/// One finished reconcile, for metrics.
public struct ReconcileRecord: Sendable {
    /// `success`, `retry` (a retryable error, queued again with backoff) or `terminal` (waits for a change).
    public var result: String
    /// How long the reconcile took.
    public var duration: Duration
}

/// What a controller runtime drives: a level-based reconcile of one key, and what to do when it fails for good.
public protocol Reconciler: Sendable {
    /// The work-queue key (an object's identity).
    associatedtype Key: Hashable & Sendable & CustomStringConvertible
    /// Reads the cache, decides, acts; throws when a write or a call failed.
    func reconcile(_ key: Key) async throws -> ReconcileOutcome
    /// Surfaces a terminal failure of `key` (a `Degraded` condition with `reason` and a Warning Event).
    func reportTerminal(_ key: Key, error: any Error, reason: String) async
    /// A digest of everything the reconcile of `key` reads except what it writes itself (statuses): after a terminal
    /// failure the key is reconciled again only when this changes, so the failure's own status writes, which come
    /// back through the watches, do not start the failing pass again. `nil`: always reconcile.
    func inputs(of key: Key) -> String?
}

extension Reconciler {
    /// Always reconcile.
    public func inputs(of key: Key) -> String? { nil }
}

/// The inputs of keys whose last reconcile failed for good: the key waits until they change.
private final class TerminalMemory<Key: Hashable & Sendable>: Sendable {
    private let failed = Mutex<[Key: String]>([:])

    func remember(_ key: Key, inputs: String?) { failed.withLock { $0[key] = inputs } }
    func forget(_ key: Key) { _ = failed.withLock { $0.removeValue(forKey: key) } }
    /// Whether `key` failed for good with exactly these inputs. `inputs` is computed only for a key that failed,
    /// so the digest costs nothing on the ordinary path.
    func unchanged(_ key: Key, inputs: () -> String?) -> Bool {
        guard let remembered = failed.withLock({ $0[key] }), let current = inputs() else { return false }
        return remembered == current
    }
}

/// The controller runtime shared by the operator and the supervisor (the shape of kube-rs' `Controller` and
/// controller-runtime): reflectors feed a `WorkQueue` of keys; workers take a key, call the reconciler, and apply the
/// error policy: a retryable error queues the key again after a capped, jittered exponential backoff; a terminal
/// one goes to `reportTerminal` and the key waits for the next change of the object or of what it depends on (the
/// watches queue it again). A key is never reconciled by two workers at once.
public struct Controller<R: Reconciler>: Sendable {
    /// The work queue; watch callbacks add keys to it.
    public let queue: WorkQueue<R.Key>
    private let reconciler: R
    private let policy: ErrorPolicy
    private let observer: @Sendable (R.Key, ReconcileRecord) -> Void
    private let logger: Logger
    private let terminal = TerminalMemory<R.Key>()

    /// A controller of `reconciler` over `queue`; `observer` sees every finished reconcile (for metrics).
    public init(
        reconciler: R, queue: WorkQueue<R.Key>, policy: ErrorPolicy = ErrorPolicy(), logger: Logger,
        observer: @escaping @Sendable (R.Key, ReconcileRecord) -> Void = { _, _ in }
    ) {
        self.reconciler = reconciler
        self.queue = queue
        self.policy = policy
        self.logger = logger
        self.observer = observer
    }

    /// Runs `count` workers until cancelled or the queue shuts down.
    public func runWorkers(count: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(count, 1) { group.addTask { await self.work() } }
        }
    }

    private func work() async {
        while !Task.isCancelled, let key = await queue.next() {
            await process(key)
            await queue.done(key)
        }
    }

    /// Reconciles `key` once and applies the outcome or the error policy.
    public func process(_ key: R.Key) async {
        let started = ContinuousClock.now
        if terminal.unchanged(key, inputs: { reconciler.inputs(of: key) }) {
            logger.debug("\(key) failed for good and nothing it reads has changed: not reconciled")
            return
        }
        do {
            let outcome = try await reconciler.reconcile(key)
            terminal.forget(key)
            await queue.forget(key)
            if case .requeue(let delay) = outcome { await queue.add(key, after: delay) }
            observer(key, ReconcileRecord(result: "success", duration: .now - started))
        } catch {
            switch policy.classify(error) {
            case .cancelled:
                return
            case .retryable:
                let attempt = await queue.failureCount(key) + 1
                let delay = await queue.addRateLimited(key)
                logger.warning("reconcile of \(key) failed (attempt \(attempt), again in \(delay)): \(error)")
                observer(key, ReconcileRecord(result: "retry", duration: .now - started))
            case .terminal(let reason):
                await queue.forget(key)
                await reconciler.reportTerminal(key, error: error, reason: reason)
                terminal.remember(key, inputs: reconciler.inputs(of: key))
                logger.error("reconcile of \(key) failed for good (\(reason)), waiting for a change: \(error)")
                observer(key, ReconcileRecord(result: "terminal", duration: .now - started))
            }
        }
    }
}
