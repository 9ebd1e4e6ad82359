// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class CallerNative
{
    // void lverun_caller_ids(uint32_t *uid, uint32_t *gid);
    //
    // The caller's real uid and gid as lverun started: its own real uid is
    // 0 from then on (native/caller.c).
    [LibraryImport(Library)]
    internal static partial void lverun_caller_ids(uint* uid, uint* gid);
}
