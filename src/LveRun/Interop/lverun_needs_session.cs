// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class CallerNative
{
    // int lverun_needs_session(void);
    //
    // Whether a terminal is attached (fds 0-2, or /dev/tty): then a command
    // that runs as another user gets a session of its own (native/session.c).
    [LibraryImport(Library)]
    internal static partial int lverun_needs_session();
}
