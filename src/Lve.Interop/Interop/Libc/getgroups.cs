// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int getgroups(int size, gid_t list[]);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int getgroups(int size, uint* list);

    /// <summary>The supplementary groups of the calling process, in the kernel's order.</summary>
    internal static uint[] GetGroups()
    {
        while (true)
        {
            int count = getgroups(0, null);
            if (count < 0)
                throw LastError("getgroups");
            var groups = new uint[count];
            fixed (uint* list = groups)
            {
                int got = getgroups(count, list);
                if (got >= 0)
                    return got == count ? groups : groups[..got];
                if (Marshal.GetLastPInvokeError() != Errno.EINVAL)
                    throw LastError("getgroups");
                // the list grew between the two calls: ask again
            }
        }
    }
}
