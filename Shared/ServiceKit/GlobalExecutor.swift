import ConcurrencyHook
import NIOCore
import NIOPosix

/// Runs Swift Concurrency's global executor on NIO's singleton event loops.
public enum GlobalExecutor {
    /// The runtime's enqueue hook: takes a job and the runtime's own enqueue function.
    private typealias EnqueueHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Makes every job of the global executor run on `MultiThreadedEventLoopGroup.singleton`, on the event loop of the
    /// thread that enqueues it when that is one of the group's (no thread hop from an event loop to the cooperative
    /// pool and back). What `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`
    /// does, with the hook found by the linker instead of `dlsym`, so that it works in binaries built with
    /// `--static-swift-stdlib` (there NIO's installer returns false and every task runs on Dispatch's threads).
    /// Call it once, from the main thread, before the first task; returns false when a hook is already installed.
    @discardableResult
    public static func installNIOEventLoops() -> Bool {
        let slot = hookSlot
        guard slot.pointee == nil else { return false }
        let hook: EnqueueHook = { job, _ in MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job)) }
        slot.pointee = unsafeBitCast(hook, to: UnsafeMutableRawPointer.self)
        return true
    }

    /// Where the runtime keeps its enqueue hook, as the linker resolved it.
    public static var hookSlot: UnsafeMutablePointer<UnsafeMutableRawPointer?> { toolbox_swift_task_enqueueGlobal_hook_address() }
}
