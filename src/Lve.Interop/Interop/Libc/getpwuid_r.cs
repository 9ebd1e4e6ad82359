// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int getpwuid_r(uid_t uid, struct passwd *pwd, char *buf, size_t buflen,
    //                struct passwd **result);
    //
    // Returns the error number itself (0 with *result NULL: no such user).
    [LibraryImport(Libraries.Libc)]
    private static partial int getpwuid_r(uint uid, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    /// <summary>The user, or null when the database has none.</summary>
    internal static PasswdEntry? GetPasswdByUid(uint uid)
    {
        for (int size = LookupBuffer.Initial; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            Passwd entry;
            Passwd* result = null;
            int error;
            fixed (byte* buf = buffer)
            {
                error = getpwuid_r(uid, &entry, buf, (nuint)size, &result);
                if (error == 0)
                    return result == null ? null : result->ToEntry();
            }
            if (error != Errno.ERANGE || size >= LookupBuffer.Limit)
                throw new NativeCallException("getpwuid_r(" + uid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", error);
        }
    }
}
