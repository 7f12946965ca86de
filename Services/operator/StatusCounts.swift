import KubeClient
import Synchronization

/// How many cached resources of each kind are in each state (a supervisor status; whether Degraded), updated one
/// change at a time.
final class StatusCounts: Sendable {
    /// The supervisor statuses the gauges report (a resource without one counts as `Unknown`).
    static let states = ["Unknown", "Starting", "Started", "Stopping", "Stopped", "Terminated"]

    /// Which resources a change is about.
    enum Kind: Sendable { case deployment, cluster, job }

    /// The states counted; a state not among them counts as `fallback`.
    let states: [String]
    private let fallback: String

    /// Counts of `states` (by default the supervisor statuses, with `Unknown` for any other).
    init(states: [String] = StatusCounts.states, fallback: String = "Unknown") {
        self.states = states
        self.fallback = fallback
    }

    /// Counts are per kind and namespace.
    private struct Bucket: Hashable {
        var kind: Kind
        var namespace: String?
    }

    private struct State {
        var current: [Kind: [ObjectKey: String]] = [:]
        var counts: [Bucket: [String: Int]] = [:]
    }

    private let state = Mutex(State())

    /// Records that `key` is now in `status` (nil: removed); returns the counts of `key`'s namespace that changed, to
    /// publish.
    func change(_ kind: Kind, _ key: ObjectKey, to status: String?) -> [(state: String, count: Int)] {
        let new = status.map { states.contains($0) ? $0 : fallback }
        return state.withLock { state in
            let old = state.current[kind]?[key]
            guard old != new else { return [] }
            state.current[kind, default: [:]][key] = new
            let bucket = Bucket(kind: kind, namespace: key.namespace)
            var changed: [(state: String, count: Int)] = []
            if let old {
                state.counts[bucket, default: [:]][old, default: 0] -= 1
                changed.append((old, state.counts[bucket]?[old] ?? 0))
            }
            if let new {
                state.counts[bucket, default: [:]][new, default: 0] += 1
                changed.append((new, state.counts[bucket]?[new] ?? 0))
            }
            return changed
        }
    }
}
