// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int rename(const char *oldpath, const char *newpath);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int rename(byte* oldpath, byte* newpath);

    /// <summary>rename(2): atomic replacement of <paramref name="to"/> on one file system; 0, or the errno.</summary>
    internal static int Rename(string from, string to)
    {
        if (from.Contains('\0') || to.Contains('\0'))
            return Errno.EINVAL;
        fixed (byte* f = CString.FromString(from))
        fixed (byte* t = CString.FromString(to))
            return rename(f, t) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
