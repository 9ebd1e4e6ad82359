// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class CallerNative
{
    // char **lverun_caller_envp(void);
    [LibraryImport(Library)]
    internal static partial byte** lverun_caller_envp();
}
