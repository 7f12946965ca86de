import Logging

/// Keeps an `ObjectStore` in sync with the API server: list, then watch from the list's resourceVersion; resume the
/// watch when the server ends it; list again when the resourceVersion is too old (410 Gone) or after errors.
public struct Reflector<Object: KubeResource>: Sendable {
    private let client: KubeClient
    private let namespace: String?
    private let labelSelector: String?
    /// The cache this reflector writes.
    public let store: ObjectStore<Object>
    private let onChange: @Sendable (ObjectKey) -> Void
    private let onInvalid: @Sendable (DecodeFailure) -> Void
    private let logger: Logger
    private let retryDelay: Duration

    /// A reflector of `Object`s in `namespace` (all namespaces when `nil`) matching `labelSelector`.
    /// `onChange` gets the key of every object that was added, changed or deleted; `onInvalid` every object that
    /// does not decode (the previous good version stays in the store).
    public init(
        client: KubeClient, namespace: String?, labelSelector: String? = nil, store: ObjectStore<Object> = ObjectStore(),
        logger: Logger, retryDelay: Duration = .seconds(1),
        onInvalid: @escaping @Sendable (DecodeFailure) -> Void = { _ in },
        onChange: @escaping @Sendable (ObjectKey) -> Void
    ) {
        self.client = client
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.store = store
        self.onChange = onChange
        self.onInvalid = onInvalid
        self.logger = logger
        self.retryDelay = retryDelay
    }

    /// Runs until cancelled.
    public func run() async throws {
        while !Task.isCancelled {
            do {
                let resourceVersion = try await relist()
                try await watch(from: resourceVersion)
            } catch is CancellationError {
                return
            } catch let error as KubeError where error.kind == .gone {
                logger.debug("watch of \(Object.resource) expired; listing again")
            } catch {
                logger.warning("watch of \(Object.resource) failed: \(error); listing again in \(retryDelay)")
                try? await Task.sleep(for: retryDelay)  // cancelled while waiting: the loop ends, as above
            }
        }
    }

    private func relist() async throws -> String? {
        let list = try await client.listLenient(Object.self, namespace: namespace, labelSelector: labelSelector)
        list.failures.forEach(onInvalid)
        let invalidKeys = Set(list.failures.map(\.key))
        let kept = invalidKeys.compactMap { store.get($0) }
        for key in store.replace(with: list.items + kept, resourceVersion: list.metadata.resourceVersion) { onChange(key) }
        return list.metadata.resourceVersion
    }

    /// Follows watches from `resourceVersion` until one fails; a watch the server ends normally is resumed.
    private func watch(from resourceVersion: String?) async throws {
        var resourceVersion = resourceVersion
        while !Task.isCancelled {
            var options = WatchOptions(namespace: namespace, resourceVersion: resourceVersion, labelSelector: labelSelector)
            options.allowBookmarks = true
            for try await event in client.watch(Object.self, options: options) {
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
        case (.deleted, let object?):
            store.remove(object)
            onChange(object.key)
        case (.bookmark, _):
            if let resourceVersion = event.resourceVersion { store.advance(to: resourceVersion) }
        default:
            break
        }
    }
}
