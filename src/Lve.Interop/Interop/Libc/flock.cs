// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static partial class Libc
{
    internal const int LOCK_EX = 2;

    // int flock(int fd, int operation);
    [LibraryImport(Libraries.Libc, EntryPoint = "flock", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    /// <summary>Take the lock (waiting for it, EINTR retried): 0, or the errno.</summary>
    internal static int Flock(int fd, int operation)
    {
        for (;;)
        {
            if (flock(fd, operation) == 0)
                return 0;
            int error = Marshal.GetLastPInvokeError();
            if (error != Errno.EINTR)
                return error;
        }
    }
}
