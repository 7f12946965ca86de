import Synchronization

/// A local cache of the objects of one resource type, kept in sync by a `Reflector`.
///
/// One writer (the reflector, through the `package` methods) and any number of readers; reads copy nothing but
/// the dictionary reference, so a `snapshot()` is cheap and immutable.
public final class ObjectStore<Object: KubeResource>: Sendable {
    private struct State {
        var objects: [ObjectKey: Object] = [:]
        var resourceVersion: String?
        var synced = false
    }

    private let state = Mutex(State())

    /// An empty, unsynced store.
    public init() {}

    /// The object with `key`, if cached.
    public func get(_ key: ObjectKey) -> Object? { state.withLock { $0.objects[key] } }

    /// All cached objects, sorted by key.
    public func list() -> [Object] { state.withLock { $0.objects }.sorted { $0.key < $1.key }.map(\.value) }

    /// An immutable copy of the cache.
    public func snapshot() -> [ObjectKey: Object] { state.withLock { $0.objects } }

    /// Whether the first list has been loaded.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// The resourceVersion the cache reflects.
    public var resourceVersion: String? { state.withLock { $0.resourceVersion } }

    /// Replaces the whole content after a list; returns the keys that were added, changed or removed.
    package func replace(with objects: [Object], resourceVersion: String?) -> Set<ObjectKey> {
        state.withLock { state in
            let fresh = Dictionary(objects.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
            var changed = Set(state.objects.keys).symmetricDifference(fresh.keys)
            for (key, object) in fresh where state.objects[key].map({ $0.metadata.resourceVersion != object.metadata.resourceVersion }) ?? false {
                changed.insert(key)
            }
            state.objects = fresh
            state.resourceVersion = resourceVersion
            state.synced = true
            return changed
        }
    }

    /// Stores an added or modified object.
    package func upsert(_ object: Object) {
        state.withLock { state in
            state.objects[object.key] = object
            state.resourceVersion = object.metadata.resourceVersion ?? state.resourceVersion
        }
    }

    /// Removes a deleted object.
    package func remove(_ object: Object) {
        state.withLock { state in
            state.objects[object.key] = nil
            state.resourceVersion = object.metadata.resourceVersion ?? state.resourceVersion
        }
    }

    /// Records the resourceVersion of a bookmark.
    package func advance(to resourceVersion: String) {
        state.withLock { $0.resourceVersion = resourceVersion }
    }
}
