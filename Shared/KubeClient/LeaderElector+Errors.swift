import Logging

/// Failed Lease calls of one elector: the last error, how many failed, and the log rate limit.
struct LeaseFailures: Sendable {
    var lastError: (any Error)?
    var count = 0
    var limiter = RepeatLimiter(interval: .seconds(30))
}

extension LeaderElector {
    /// The error of the last Lease read or write if it failed; `nil` once one succeeds again (for a metric or a probe).
    public var lastError: (any Error)? { failures.withLock { $0.lastError } }

    /// How many Lease reads and writes failed since this elector was made (a counter for a metric).
    public var leaseFailures: Int { failures.withLock { $0.count } }

    /// Runs one Lease call named `what` (read, create, update, release), recording and logging its failure.
    /// Cancellation is not a failure.
    func leaseCall<T: Sendable>(_ what: String, _ call: () async throws -> T) async throws -> T {
        do {
            let result = try await call()
            let recovered = failures.withLock { state in
                defer { state.lastError = nil }
                return state.lastError != nil
            }
            if recovered { logger.info("lease calls succeed again", metadata: metadata) }
            return result
        } catch {
            if error is CancellationError || Task.isCancelled { throw error }
            let key = "\(what) " + ((error as? KubeError).map { "\($0.kind) \($0.code)" } ?? "\(type(of: error))")
            let now = ContinuousClock.now
            let (admitted, total) = failures.withLock { state in
                state.lastError = error
                state.count += 1
                return (state.limiter.admit(key, at: now), state.count)
            }
            if let repeats = admitted {
                var details = metadata
                details["error"] = "\(error)"
                details["failures"] = "\(total)"
                if repeats > 0 { details["notLoggedRepeats"] = "\(repeats)" }
                logger.warning("lease \(what) failed", metadata: details)
            }
            throw error
        }
    }

    private var metadata: Logger.Metadata { ["lease": "\(namespace)/\(name)", "identity": "\(identity)"] }
}

/// Lets a repeated log line through at most once per `interval`; a different line always passes.
struct RepeatLimiter: Sendable {
    /// The shortest time between two identical lines.
    let interval: Duration
    private var last: (key: String, at: ContinuousClock.Instant)?
    private var suppressed = 0

    init(interval: Duration) { self.interval = interval }

    /// `nil` when the line `key` is to be dropped at `now`; otherwise how many identical lines were dropped since it
    /// was last let through.
    mutating func admit(_ key: String, at now: ContinuousClock.Instant) -> Int? {
        if let last, last.key == key, now - last.at < interval {
            suppressed += 1
            return nil
        }
        let repeats = last?.key == key ? suppressed : 0
        last = (key, now)
        suppressed = 0
        return repeats
    }
}
