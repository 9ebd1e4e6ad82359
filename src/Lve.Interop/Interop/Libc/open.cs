// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    internal const int O_RDONLY = 0x0;
    internal const int O_WRONLY = 0x1;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_DIRECTORY = 0x10000;
    internal const int O_NOCTTY = 0x100;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_NOFOLLOW = 0x20000;
    internal const int O_CLOEXEC = 0x80000;

    // int open(const char *pathname, int flags, ...);
    //
    // The flag values are the generic ones, which x86_64 and aarch64 share.
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int open(byte* pathname, int flags, int mode);

    /// <summary>The fd, or -errno.</summary>
    internal static int Open(string path, int flags, int mode = 0)
    {
        if (path.Contains('\0'))
            return -Errno.EINVAL;
        fixed (byte* p = CString.FromString(path))
        {
            int fd = open(p, flags, mode);
            return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
        }
    }
}
