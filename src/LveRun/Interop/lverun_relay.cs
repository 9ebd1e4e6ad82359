// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class CallerNative
{
    // int lverun_relay(int *stage);
    //
    // After lverun_spawn: relay between the caller's terminal and the
    // command's until it ends, then end as it did.  Returns only when the
    // command's child failed before execve: the errno, with *stage.
    [LibraryImport(Library)]
    internal static partial int lverun_relay(int* stage);
}
