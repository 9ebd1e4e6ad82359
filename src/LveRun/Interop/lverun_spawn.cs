// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class CallerNative
{
    // int lverun_spawn(const char *path, char *const argv[], char *const envp[], int flags,
    //                  int umask, uint32_t uid, uint32_t gid, const uint32_t *groups,
    //                  int ngroups, int *stage);
    //
    // The command as another user, in a session of its own on a pty of
    // lverun's (native/session.c).  0 with *stage StageStarted in the
    // parent; else the errno, with *stage.
    [LibraryImport(Library)]
    internal static partial int lverun_spawn(byte* path, byte** argv, byte** envp, int flags, int umask,
        uint uid, uint gid, uint* groups, int ngroups, int* stage);
}
