// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace LveRun;

internal static unsafe partial class CallerNative
{
    // int lverun_check_as(const char *path, uint32_t uid, uint32_t gid,
    //                     const uint32_t *groups, int ngroups, int execute);
    //
    // 0 or the errno the account itself would get reaching (and with
    // execute, running) path; native/access.c.
    [LibraryImport(Library)]
    internal static partial int lverun_check_as(byte* path, uint uid, uint gid, uint* groups, int ngroups, int execute);
}
