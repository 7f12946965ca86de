import Synchronization

/// A local cache of the objects of one resource type, kept in sync by a `Reflector`.
///
/// One writer (the reflector, through the `package` methods) and any number of readers; reads copy nothing but
/// the dictionary reference, so a `snapshot()` is cheap and immutable.
public final class ObjectStore<Object: KubeResource>: Sendable {
    private struct Waiter {
        var key: ObjectKey
        var predicate: @Sendable (Object?) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
    }

    /// One cached object, boxed: the dictionary then holds a reference per key instead of the whole object inline, so
    /// its spare capacity (up to half of it after a growth) and the moves of a growth cost 8 bytes a slot, not the
    /// object's size (a FlinkDeployment is over a kilobyte inline).
    private final class Stored: Sendable {
        let object: Object
        init(_ object: Object) { self.object = object }
    }

    private struct State {
        var objects: [ObjectKey: Stored] = [:]
        /// The secondary index: value -> keys of the objects the index function maps to it.
        var index: [String: Set<ObjectKey>] = [:]
        var resourceVersion: String?
        /// The namespaces whose list has been loaded; `nil` stands for a cluster-wide list.
        var listedNamespaces: Set<String?> = []
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        /// Waiters that timed out or were cancelled before they were registered.
        var expired: Set<Int> = []

        /// Removes and returns the waiters of `keys` whose condition now holds.
        mutating func satisfied(_ keys: some Sequence<ObjectKey>) -> [Waiter] {
            guard !waiters.isEmpty else { return [] }
            let keys = Set(keys)
            let ready = waiters.filter { keys.contains($0.value.key) && $0.value.predicate(objects[$0.value.key]?.object) }
            for id in ready.keys { waiters[id] = nil }
            return Array(ready.values)
        }
    }

    private let state = Mutex(State())
    private let indexValues: (@Sendable (Object) -> [String])?
    private let transform: (@Sendable (Object) -> Object)?

    /// An empty, unsynced store; `index`, if given, maps each object to the values it is found under by `indexed(_:)`
    /// (client-go's Indexer: a lookup by cluster or owner is then proportional to the matches, not to the store).
    /// `transform`, if given, is applied to every object before it is stored (client-go's informer transform): a store
    /// whose readers need only part of an object drops the rest, and keeps memory proportional to what is read.
    public init(index: (@Sendable (Object) -> [String])? = nil, transform: (@Sendable (Object) -> Object)? = nil) {
        self.indexValues = index
        self.transform = transform
    }

    /// The objects the index function maps to `value`, in no particular order (empty without an index function).
    public func indexed(_ value: String) -> [Object] {
        state.withLock { state in (state.index[value] ?? []).compactMap { state.objects[$0]?.object } }
    }

    /// Moves `key` in the index from the values of `old` to those of `new`.
    private func reindex(_ state: inout State, key: ObjectKey, old: Object?, new: Object?) {
        guard let indexValues else { return }
        let before = old.map(indexValues) ?? [], after = new.map(indexValues) ?? []
        guard before != after else { return }
        for value in before {
            state.index[value]?.remove(key)
            if state.index[value]?.isEmpty == true { state.index[value] = nil }
        }
        for value in after { state.index[value, default: []].insert(key) }
    }

    /// The object with `key`, if cached.
    public func get(_ key: ObjectKey) -> Object? { state.withLock { $0.objects[key]?.object } }

    /// All cached objects, sorted by key. Only the keys are sorted: sorting the (key, object) pairs moved whole
    /// objects at every swap, which made a control-plane list of ten clusters cost a quarter of its CPU in copies.
    public func list() -> [Object] {
        let objects = state.withLock { $0.objects }
        return objects.keys.sorted().compactMap { objects[$0]?.object }
    }

    /// The keys of all cached objects, sorted.
    public func keys() -> [ObjectKey] { state.withLock { $0.objects }.keys.sorted() }

    /// An immutable copy of the cache.
    public func snapshot() -> [ObjectKey: Object] { state.withLock { $0.objects }.mapValues(\.object) }

    /// Whether the first list has been loaded.
    public var hasSynced: Bool { state.withLock { !$0.listedNamespaces.isEmpty } }

    /// Whether the list of each of `namespaces` (`nil`: a cluster-wide list) has been loaded: a store shared by the
    /// reflectors of several namespaces is synced only when all of them have listed.
    public func hasSynced(namespaces: [String?]) -> Bool {
        state.withLock { state in namespaces.allSatisfy { state.listedNamespaces.contains($0) } }
    }

    /// The resourceVersion the cache reflects.
    public var resourceVersion: String? { state.withLock { $0.resourceVersion } }

    /// Waits until the object with `key` (nil while absent) satisfies `condition`, at most `timeout`; returns whether
    /// it did. Read-your-writes for a controller: after a write, wait for the watch to bring it into the cache, so
    /// the next decision does not act on stale data. Woken by the reflector's changes, never by polling.
    public func wait(for key: ObjectKey, timeout: Duration, until condition: @escaping @Sendable (Object?) -> Bool) async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.expire(id)
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let result = state.withLock { state -> Bool? in
                    if condition(state.objects[key]?.object) { return true }
                    if state.expired.remove(id) != nil { return false }
                    state.waiters[id] = Waiter(key: key, predicate: condition, continuation: continuation)
                    return nil
                }
                if let result { continuation.resume(returning: result) }
            }
        } onCancel: {
            self.expire(id)
        }
        timer.cancel()
        state.withLock { _ = $0.expired.remove(id) }
        return result
    }

    /// Ends the wait `id` with `false` (timed out or cancelled), or marks it so it ends as soon as it registers.
    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.waiters.removeValue(forKey: id) else {
                state.expired.insert(id)
                return nil
            }
            return waiter
        }
        waiter?.continuation.resume(returning: false)
    }

    private func wake(_ waiters: [Waiter]) {
        for waiter in waiters { waiter.continuation.resume(returning: true) }
    }

    /// Replaces the content after a list; returns the keys that were added, changed or removed. With `namespace` (what a
    /// namespaced reflector passes), only the objects of that namespace are replaced, so reflectors of several
    /// namespaces can share one store without the list of one removing the objects of the others.
    package func replace(with objects: [Object], resourceVersion: String?, in namespace: String? = nil) -> Set<ObjectKey> {
        let (changed, ready) = state.withLock { state -> (Set<ObjectKey>, [Waiter]) in
            var fresh = Dictionary(objects.map { ($0.key, Stored(transform?($0) ?? $0)) }, uniquingKeysWith: { _, last in last })
            let previous = namespace.map { namespace in state.objects.filter { $0.key.namespace == namespace } } ?? state.objects
            var changed = Set(previous.keys).symmetricDifference(fresh.keys)
            for (key, stored) in fresh where previous[key].map({ $0.object.metadata.resourceVersion != stored.object.metadata.resourceVersion }) ?? false {
                changed.insert(key)
            }
            if let namespace {
                for (key, stored) in state.objects where key.namespace != namespace { fresh[key] = stored }
            }
            if indexValues != nil {
                state.index = [:]
                for (key, stored) in fresh { reindex(&state, key: key, old: nil, new: stored.object) }
            }
            state.objects = fresh
            state.resourceVersion = resourceVersion
            state.listedNamespaces.insert(namespace)
            return (changed, state.satisfied(changed))
        }
        wake(ready)
        return changed
    }

    /// Stores an added or modified object.
    package func upsert(_ object: Object) {
        let object = transform?(object) ?? object
        wake(
            state.withLock { state in
                reindex(&state, key: object.key, old: state.objects[object.key]?.object, new: object)
                state.objects[object.key] = Stored(object)
                state.resourceVersion = object.metadata.resourceVersion ?? state.resourceVersion
                return state.satisfied([object.key])
            })
    }

    /// Removes a deleted object.
    package func remove(_ object: Object) {
        wake(
            state.withLock { state in
                reindex(&state, key: object.key, old: state.objects[object.key]?.object, new: nil)
                state.objects[object.key] = nil
                state.resourceVersion = object.metadata.resourceVersion ?? state.resourceVersion
                return state.satisfied([object.key])
            })
    }

    /// Records the resourceVersion of a bookmark.
    package func advance(to resourceVersion: String) {
        state.withLock { $0.resourceVersion = resourceVersion }
    }
}
