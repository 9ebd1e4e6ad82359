// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    internal const int X_OK = 1;

    // int access(const char *pathname, int mode);
    //
    // Checked with the real uid and gid (and the current supplementary
    // groups), which in a setuid program are the caller's.
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int access(byte* pathname, int mode);

    /// <summary>0 if the real ids may execute <paramref name="path"/> (NUL-terminated), else the errno.</summary>
    internal static int AccessExecute(byte[] path)
    {
        fixed (byte* p = path)
            return access(p, X_OK) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
