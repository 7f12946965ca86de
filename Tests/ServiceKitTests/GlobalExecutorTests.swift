import Foundation
import ServiceKit
import Testing

@Suite("The global executor's hook")
struct GlobalExecutorTests {
    @Test("the hook the linker resolves is the runtime's own, the one dlsym finds where the runtime is a shared library")
    func hookIsTheRuntimes() throws {
        // The tests link the Swift runtime dynamically, so dlsym finds the exported hook; the static builds
        // (`--static-swift-stdlib`) do not export it, which is why the operator takes the linker's address.
        let exported = try #require(dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook"))
        #expect(UnsafeMutableRawPointer(GlobalExecutor.hookSlot) == exported)
    }
}
