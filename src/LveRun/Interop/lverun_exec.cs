// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class CallerNative
{
    /// <summary>Mark every fd >= 3 close-on-exec: the caller is not root.</summary>
    internal const int ExecCloseFds = 1 << 0;

    // What lverun_exec was doing when it failed (native/caller.h).
    internal const int StageExecve = 1;
    internal const int StageLimits = 2;
    internal const int StageSignals = 3;
    internal const int StageFds = 4;
    internal const int StageSetsid = 5;
    internal const int StageFork = 6;
    internal const int StageWait = 7;
    internal const int StageSched = 8;
    internal const int StageDrop = 9;
    internal const int StagePty = 10;
    internal const int StageStarted = 11;

    // int lverun_exec(const char *path, char *const argv[], char *const envp[],
    //                 int flags, int umask, int *stage);
    //
    // Returns only on failure: the errno, with *stage.
    [LibraryImport(Library)]
    internal static partial int lverun_exec(byte* path, byte** argv, byte** envp, int flags, int umask, int* stage);
}
