// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class LiblveStatic
{
    // int lve_enter_thread(struct liblve *lve, uint32_t ve_id, uint32_t *cookie);
    //
    // lve_enter for a process about to execve: on cgroup v1 only the calling
    // thread moves; on v2 the process.  lve_leave undoes it.  0 or -errno.
    [LibraryImport(Library)]
    internal static partial int lve_enter_thread(void* lve, uint veId, uint* cookie);
}
