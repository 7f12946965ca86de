import Foundation
import Logging
import Synchronization
import Testing

@testable import KubeClient

/// A reconciler whose answers are scripted per call, recording what the runtime did with them.
private final class ScriptedReconciler: Reconciler {
    struct Record {
        var calls: [String] = []
        var terminal: [(String, String)] = []
    }

    let script: Mutex<[Result<ReconcileOutcome, KubeError>]>
    let record = Mutex(Record())
    /// What the reconcile reads (`nil`: not tracked).
    let inputsValue = Mutex<String?>(nil)

    init(_ script: [Result<ReconcileOutcome, KubeError>]) { self.script = Mutex(script) }

    func reconcile(_ key: String) async throws -> ReconcileOutcome {
        record.withLock { $0.calls.append(key) }
        let next = script.withLock { $0.isEmpty ? .success(.done) : $0.removeFirst() }
        return try next.get()
    }

    func reportTerminal(_ key: String, error: any Error, reason: String) async {
        record.withLock { $0.terminal.append((key, reason)) }
    }

    func inputs(of key: String) -> String? { inputsValue.withLock { $0 } }
}

@Suite("Controller runtime")
struct ControllerRuntimeTests {
    static let logger = Logger(label: "test")

    /// Processes the keys the queue hands out until it stays empty for `quiet`.
    private static func drain(_ controller: Controller<ScriptedReconciler>, quiet: Duration = .milliseconds(300)) async {
        while true {
            let next = await withTaskGroup(of: String?.self) { group -> String? in
                group.addTask { await controller.queue.next() }
                group.addTask {
                    try? await Task.sleep(for: quiet)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard let key = next else { return }
            await controller.process(key)
            await controller.queue.done(key)
        }
    }

    @Test("a retryable error is retried with backoff until it succeeds; nothing is reported")
    func retryable() async {
        let unavailable = KubeError(kind: .serverError, code: 503, message: "unavailable")
        let reconciler = ScriptedReconciler([.failure(unavailable), .failure(unavailable), .success(.done)])
        let controller = Controller(reconciler: reconciler, queue: WorkQueue(baseDelay: .milliseconds(1), maxDelay: .milliseconds(20)), logger: Self.logger)
        await controller.queue.add("a")
        await Self.drain(controller)
        #expect(reconciler.record.withLock { $0.calls } == ["a", "a", "a"])
        #expect(reconciler.record.withLock { $0.terminal.isEmpty })
        #expect(await controller.queue.failureCount("a") == 0)
    }

    @Test("a terminal error is reported once with its reason and not retried until the key is queued again")
    func terminal() async {
        let forbidden = KubeError(kind: .forbidden, code: 403, message: "pods is forbidden")
        let reconciler = ScriptedReconciler([.failure(forbidden), .success(.done)])
        let controller = Controller(reconciler: reconciler, queue: WorkQueue(baseDelay: .milliseconds(1)), logger: Self.logger)
        await controller.queue.add("a")
        await Self.drain(controller)
        #expect(reconciler.record.withLock { $0.calls } == ["a"])
        #expect(reconciler.record.withLock { $0.terminal.map(\.1) } == ["Forbidden"])
        await controller.queue.add("a")  // the object changed: its watch queues it again
        await Self.drain(controller)
        #expect(reconciler.record.withLock { $0.calls } == ["a", "a"])
    }

    @Test("after a terminal failure the key is reconciled again only when its inputs changed")
    func terminalWaitsForInputs() async {
        let invalid = KubeError(kind: .invalid, code: 422, message: "spec.replicas: Invalid value")
        let reconciler = ScriptedReconciler([.failure(invalid), .success(.done)])
        reconciler.inputsValue.withLock { $0 = "v1" }
        let controller = Controller(reconciler: reconciler, queue: WorkQueue(), logger: Self.logger)
        await controller.process("a")
        await controller.process("a")  // queued by the failure's own status write: same inputs
        #expect(reconciler.record.withLock { $0.calls } == ["a"])
        reconciler.inputsValue.withLock { $0 = "v2" }  // the object changed
        await controller.process("a")
        await controller.process("a")  // succeeded: no longer held
        #expect(reconciler.record.withLock { $0.calls } == ["a", "a", "a"])
        #expect(reconciler.record.withLock { $0.terminal.count } == 1)
    }

    @Test("requeue(after:) reconciles the key again after the delay, done does not")
    func requeue() async {
        let reconciler = ScriptedReconciler([.success(.requeue(after: .milliseconds(50))), .success(.done)])
        let controller = Controller(reconciler: reconciler, queue: WorkQueue(), logger: Self.logger)
        await controller.queue.add("a")
        await Self.drain(controller)
        #expect(reconciler.record.withLock { $0.calls } == ["a", "a"])
    }
}

@Suite("Object store waits")
struct ObjectStoreWaitTests {
    static func pod(_ name: String, version: String) -> Pod {
        var pod = Pod(metadata: ObjectMeta(name: name, namespace: "ns"), spec: [:])
        pod.metadata.resourceVersion = version
        return pod
    }

    @Test("a wait ends as soon as the reflector stores the awaited version, not at its timeout")
    func wokenByChange() async {
        let store = ObjectStore<Pod>()
        let key = Self.pod("p", version: "1").key
        // A wait that reaches its timeout answers false, so true means the change ended it (no bound on real time:
        // a loaded machine may run the waiter late).
        async let seen = store.wait(for: key, timeout: .seconds(600)) { $0?.metadata.resourceVersion == "2" }
        try? await Task.sleep(for: .milliseconds(20))
        store.upsert(Self.pod("p", version: "1"))
        store.upsert(Self.pod("p", version: "2"))
        #expect(await seen)
    }

    @Test("a wait whose condition already holds returns at once; one that never holds times out false")
    func immediateAndTimeout() async {
        let store = ObjectStore<Pod>()
        store.upsert(Self.pod("p", version: "1"))
        let key = Self.pod("p", version: "1").key
        #expect(await store.wait(for: key, timeout: .seconds(30)) { $0 != nil })
        #expect(await store.wait(for: key, timeout: .milliseconds(30)) { $0 == nil } == false)
        store.remove(Self.pod("p", version: "2"))
        #expect(await store.wait(for: key, timeout: .seconds(30)) { $0 == nil })
    }

    @Test("a cancelled wait returns false")
    func cancelled() async {
        let store = ObjectStore<Pod>()
        let key = Self.pod("p", version: "1").key
        let task = Task { await store.wait(for: key, timeout: .seconds(30)) { $0 != nil } }
        try? await Task.sleep(for: .milliseconds(20))
        task.cancel()
        #expect(await task.value == false)
    }
}
