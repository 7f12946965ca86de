import Logging

/// Keeps an `ObjectStore` in sync with the API server: list, then watch from the list's resourceVersion; resume the
/// watch when the server ends it; list again at once when the resourceVersion is too old (410 Gone), and after other
/// errors with a capped exponential backoff with jitter.
public struct Reflector<Object: KubeResource>: Sendable {
    private let client: KubeClient
    private let namespace: String?
    private let labelSelector: String?
    /// The cache this reflector writes.
    public let store: ObjectStore<Object>
    private let onChange: @Sendable (ObjectKey) -> Void
    private var onObject: (@Sendable (Object) -> Void)?
    private let onInvalid: @Sendable (DecodeFailure) -> Void
    private let logger: Logger
    private let backoff: Backoff
    private let sleep: @Sendable (Duration) async throws -> Void

    /// A reflector of `Object`s in `namespace` (all namespaces when `nil`) matching `labelSelector`.
    /// `onChange` gets the key of every object that was added, changed or deleted; `onInvalid` every object that
    /// does not decode (the previous good version stays in the store).
    ///
    /// After a failed list or watch it waits `backoff.delay(attempt:)` (by default 0.5 s doubling up to 30 s, up to
    /// half shorter at random) by calling `sleep`; the attempt count starts again once a list succeeded and the watch
    /// after it delivered an event, so a watch that fails at once after each list does not relist in a tight loop.
    public init(
        client: KubeClient, namespace: String?, labelSelector: String? = nil, store: ObjectStore<Object> = ObjectStore(),
        logger: Logger, backoff: Backoff = Backoff(base: .milliseconds(500), cap: .seconds(30)),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        onInvalid: @escaping @Sendable (DecodeFailure) -> Void = { _ in },
        onChange: @escaping @Sendable (ObjectKey) -> Void
    ) {
        self.client = client
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.store = store
        self.onChange = onChange
        self.onObject = nil
        self.onInvalid = onInvalid
        self.logger = logger
        self.backoff = backoff
        self.sleep = sleep
    }

    /// A reflector whose callback gets the object itself: as stored after an add or change, as last seen after a
    /// delete. Lets a controller map an event to the keys it affects through ownerReferences and labels.
    public init(
        client: KubeClient, namespace: String?, labelSelector: String? = nil, store: ObjectStore<Object> = ObjectStore(),
        logger: Logger, backoff: Backoff = Backoff(base: .milliseconds(500), cap: .seconds(30)),
        onInvalid: @escaping @Sendable (DecodeFailure) -> Void = { _ in },
        onObject: @escaping @Sendable (Object) -> Void
    ) {
        self.init(
            client: client, namespace: namespace, labelSelector: labelSelector, store: store, logger: logger, backoff: backoff, onInvalid: onInvalid,
            onChange: { _ in })
        self.onObject = onObject
    }

    /// Runs until cancelled.
    public func run() async throws {
        var failures = 0
        while !Task.isCancelled {
            var delivered = false
            do {
                let resourceVersion = try await relist()
                try await watch(from: resourceVersion, delivered: &delivered)
            } catch is CancellationError {
                return
            } catch let error as KubeError where error.kind == .gone {
                logger.debug("watch of \(Object.resource) expired; listing again")
            } catch {
                if Task.isCancelled { return }
                failures = delivered ? 1 : failures + 1
                let delay = backoff.delay(attempt: failures - 1)
                logger.warning(
                    "list/watch of \(Object.resource) failed; listing again after a backoff",
                    metadata: ["attempt": "\(failures)", "retryIn": "\(delay)", "error": "\(error)"]
                )
                do { try await sleep(delay) } catch { return }  // cancelled while waiting: the loop ends, as above
            }
        }
    }

    private func relist() async throws -> String? {
        let list = try await client.listLenient(Object.self, namespace: namespace, labelSelector: labelSelector)
        list.failures.forEach(onInvalid)
        let invalidKeys = Set(list.failures.map(\.key))
        let kept = invalidKeys.compactMap { store.get($0) }
        let before = onObject == nil ? [:] : store.snapshot()
        for key in store.replace(with: list.items + kept, resourceVersion: list.metadata.resourceVersion, in: namespace) {
            onChange(key)
            if let onObject, let object = store.get(key) ?? before[key] { onObject(object) }
        }
        return list.metadata.resourceVersion
    }

    /// Follows watches from `resourceVersion` until one fails; a watch the server ends normally is resumed.
    /// `delivered` turns true with the first event (bookmarks included).
    private func watch(from resourceVersion: String?, delivered: inout Bool) async throws {
        var resourceVersion = resourceVersion
        while !Task.isCancelled {
            var options = WatchOptions(namespace: namespace, resourceVersion: resourceVersion, labelSelector: labelSelector)
            options.allowBookmarks = true
            for try await event in client.watch(Object.self, options: options) {
                delivered = true
                apply(event)
                resourceVersion = event.resourceVersion ?? resourceVersion
            }
        }
    }

    private func apply(_ event: WatchEvent<Object>) {
        if let failure = event.failure {
            onInvalid(failure)
            return
        }
        switch (event.type, event.object) {
        case (.added, let object?), (.modified, let object?):
            store.upsert(object)
            onChange(object.key)
            onObject?(object)
        case (.deleted, let object?):
            store.remove(object)
            onChange(object.key)
            onObject?(object)
        case (.bookmark, _):
            if let resourceVersion = event.resourceVersion { store.advance(to: resourceVersion) }
        default:
            break
        }
    }
}
