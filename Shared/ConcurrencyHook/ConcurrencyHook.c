#include "ConcurrencyHook.h"

extern void *_Nullable swift_task_enqueueGlobal_hook;

void *_Nullable *_Nonnull toolbox_swift_task_enqueueGlobal_hook_address(void) {
    return &swift_task_enqueueGlobal_hook;
}
