// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static partial class Libc
{
    // int fchmod(int fd, mode_t mode);
    [LibraryImport(Libraries.Libc, EntryPoint = "fchmod", SetLastError = true)]
    private static partial int fchmod(int fd, uint mode);

    /// <summary>0, or the errno.</summary>
    internal static int Fchmod(int fd, uint mode) => fchmod(fd, mode) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
