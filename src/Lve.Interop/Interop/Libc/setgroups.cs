// SPDX-License-Identifier: MIT
using System;
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int setgroups(size_t size, const gid_t *list);
    //
    // glibc applies it to every thread of the process (the kernel changes
    // only the calling thread's credentials); the raw syscall would not.
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int setgroups(nuint size, uint* list);

    internal static void SetGroups(ReadOnlySpan<uint> groups)
    {
        fixed (uint* list = groups)
        {
            if (setgroups((nuint)groups.Length, list) != 0)
                throw LastError("setgroups(" + IdList.Format(groups) + ")");
        }
    }
}
