/// Capped exponential backoff with jitter: the `attempt`-th retry (0-based) waits at most
/// `min(cap, base * 2^attempt)` and at least `1 - jitter` of that, drawn from an injectable random source.
///
/// Jitter only shortens a delay, so a delay never exceeds the cap, and retries of many keys that failed together
/// (an API server restart) spread out instead of arriving in lockstep.
public struct Backoff: Sendable {
    /// The ceiling of the first retry.
    public var base: Duration
    /// No delay is longer than this.
    public var cap: Duration
    /// The fraction (0...1) by which a delay may be shortened at random; 0 disables jitter.
    public var jitter: Double
    /// Numbers in `0..<1`; tests inject a fixed one.
    public var random: @Sendable () -> Double

    /// A backoff from `base`, doubling up to `cap`, shortened by up to `jitter` (default half) at random.
    public init(
        base: Duration, cap: Duration, jitter: Double = 0.5,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.base = base
        self.cap = cap
        self.jitter = min(max(jitter, 0), 1)
        self.random = random
    }

    /// The longest delay of the `attempt`-th retry (0-based): `min(cap, base * 2^attempt)`.
    public func ceiling(attempt: Int) -> Duration {
        let delay = base * (1 << min(max(attempt, 0), 40))
        return delay > cap ? cap : delay
    }

    /// The delay of the `attempt`-th retry (0-based): the ceiling, shortened by up to `jitter` of it.
    public func delay(attempt: Int) -> Duration {
        let draw = min(max(random(), 0), 1)
        return ceiling(attempt: attempt) * (1 - jitter * draw)
    }
}
