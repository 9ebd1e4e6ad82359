// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class CallerNative
{
    // pid_t lverun_spawned(void);
    //
    // After lverun_spawn: the child it started (the command, or the root
    // monitor that waits for it), which lives exactly as long as the command.
    [LibraryImport(Library)]
    internal static partial int lverun_spawned();
}
