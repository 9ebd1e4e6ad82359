// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static partial class Libc
{
    // int fsync(int fd);
    [LibraryImport(Libraries.Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    /// <summary>0, or the errno (EINTR retried).</summary>
    internal static int Fsync(int fd)
    {
        for (;;)
        {
            if (fsync(fd) == 0)
                return 0;
            int error = Marshal.GetLastPInvokeError();
            if (error != Errno.EINTR)
                return error;
        }
    }
}
