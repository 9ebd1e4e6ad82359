// SPDX-License-Identifier: MIT
using System;
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // ssize_t read(int fd, void *buf, size_t count);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial nint read(int fd, byte* buf, nuint count);

    /// <summary>
    /// Read until <paramref name="buffer"/> is full or end of file: the number
    /// of bytes read, or -errno.  EINTR is retried.
    /// </summary>
    internal static int ReadFully(int fd, Span<byte> buffer)
    {
        int total = 0;
        fixed (byte* start = buffer)
        {
            while (total < buffer.Length)
            {
                nint n = read(fd, start + total, (nuint)(buffer.Length - total));
                if (n < 0)
                {
                    int error = Marshal.GetLastPInvokeError();
                    if (error == Errno.EINTR)
                        continue;
                    return -error;
                }
                if (n == 0)
                    break;
                total += (int)n;
            }
        }
        return total;
    }
}
