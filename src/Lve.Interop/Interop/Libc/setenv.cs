// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int setenv(const char *name, const char *value, int overwrite);
    //
    // liblve reads the C environment (getenv); Environment.SetEnvironmentVariable
    // changes only the runtime's own copy.  Call it before any other thread
    // of the program reads the environment.
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int setenv(byte* name, byte* value, int overwrite);

    /// <summary>Set <paramref name="name"/> in the C environment: 0, or the errno.</summary>
    internal static int SetEnvironment(string name, string value)
    {
        if (name.Contains('\0') || value.Contains('\0'))
            return Errno.EINVAL;
        fixed (byte* n = CString.FromString(name))
        fixed (byte* v = CString.FromString(value))
            return setenv(n, v, 1) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
