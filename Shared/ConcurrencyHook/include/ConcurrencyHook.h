#ifndef TOOLBOX_CONCURRENCY_HOOK_H
#define TOOLBOX_CONCURRENCY_HOOK_H

/// The address of the Swift Concurrency runtime's `swift_task_enqueueGlobal_hook`, the function that takes every job
/// of the global executor when set. Resolved by the linker, so it is found also when the runtime is linked in
/// statically, where it is not exported and `dlsym` (what NIO's installer uses) cannot find it.
void *_Nullable *_Nonnull toolbox_swift_task_enqueueGlobal_hook_address(void);

#endif
