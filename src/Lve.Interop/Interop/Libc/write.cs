// SPDX-License-Identifier: MIT
using System;
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // ssize_t write(int fd, const void *buf, size_t count);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial nint write(int fd, byte* buf, nuint count);

    /// <summary>
    /// Write all of <paramref name="bytes"/> to <paramref name="fd"/>, or as
    /// much as the descriptor takes: a closed or broken stdout or stderr is
    /// the caller's business and must not turn into a crash.
    /// </summary>
    internal static void WriteAll(int fd, ReadOnlySpan<byte> bytes) => _ = WriteAllOrError(fd, bytes);

    /// <summary>Write all of <paramref name="bytes"/>: 0, or the errno of the write that failed (EINTR retried).</summary>
    internal static int WriteAllOrError(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            byte* p = start;
            nuint left = (nuint)bytes.Length;
            while (left > 0)
            {
                nint n = write(fd, p, left);
                if (n < 0)
                {
                    int error = Marshal.GetLastPInvokeError();
                    if (error == Errno.EINTR)
                        continue;
                    return error;
                }
                if (n == 0)
                    return Errno.EIO;
                p += n;
                left -= (nuint)n;
            }
        }
        return 0;
    }
}
