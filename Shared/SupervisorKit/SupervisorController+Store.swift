import Foundation
import KubeClient
import ToolboxCore

extension SupervisorController {
    /// Stores the decided annotations, finalizers and status of `decided` where they differ from `observed`
    /// (nothing at all when nothing changed) and returns the object as stored. Writes are conditional on the
    /// observed resourceVersion, so a concurrent change fails the pass and it runs again on fresh data; actions
    /// run only after this succeeded (status is the write-ahead log).
    func store<Kind: ResourceKind>(
        _ decided: SpecResource<Kind>, observed: SpecResource<Kind>, in store: ObjectStore<SpecResource<Kind>>
    ) async throws -> SpecResource<Kind> where Kind.Status: Equatable {
        var current = observed
        if decided.status != observed.status {
            current.status = decided.status
            current = try await client.updateStatus(current)
        }
        var operations: [JSONPatchOperation] = []
        if decided.metadata.annotations != observed.metadata.annotations {
            operations.append(.init(op: "add", path: "/metadata/annotations", value: .object((decided.metadata.annotations ?? [:]).mapValues { .string($0) })))
        }
        if decided.metadata.finalizers != observed.metadata.finalizers {
            operations.append(.init(op: "add", path: "/metadata/finalizers", value: .array((decided.metadata.finalizers ?? []).map { .string($0) })))
        }
        if !operations.isEmpty {
            let test = JSONPatchOperation(op: "test", path: "/metadata/resourceVersion", value: .string(current.metadata.resourceVersion ?? ""))
            do {
                current = try await client.patch(
                    SpecResource<Kind>.self, name: current.metadata.name ?? "", namespace: cache.namespace, patch: .json([test] + operations), subresource: nil)
            } catch let error as KubeError where error.kind == .notFound {
                return decided
            }
        }
        if current.metadata.resourceVersion != observed.metadata.resourceVersion {
            let key = current.key
            let before = observed.metadata.resourceVersion
            _ = await store.wait(for: key, timeout: Self.readYourWritesTimeout) { $0?.metadata.resourceVersion != before }
        }
        return current
    }

    /// Records the decided events (and the transition) on `object`.
    func record<Object: KubeResource>(_ decided: [SupervisorEvent], on object: Object, transition: StateTransition?) async {
        if let transition, transition.from != transition.to {
            logger.info("\(Object.resource.kind) \(object.metadata.name ?? ""): \(transition.from.rawValue) → \(transition.to.rawValue) (\(transition.label))")
            metrics.transition(kind: Object.resource.kind, to: transition.to.rawValue)
        }
        for event in decided {
            await events.record(object, type: event.isWarning ? "Warning" : "Normal", reason: event.reason, message: event.message)
        }
    }

    /// How long a pass waits for the watch to bring its own write into the cache, so the next pass does not decide on
    /// stale data and, for example, create a second pod. The watch may lag longer: the pass then simply repeats.
    static let readYourWritesTimeout: Duration = .seconds(2)
}
