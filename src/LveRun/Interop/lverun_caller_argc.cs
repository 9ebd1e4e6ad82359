// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class CallerNative
{
    // int lverun_caller_argc(void);
    [LibraryImport(Library)]
    internal static partial int lverun_caller_argc();
}
