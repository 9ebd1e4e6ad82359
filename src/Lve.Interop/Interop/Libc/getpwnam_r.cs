// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t buflen,
    //                struct passwd **result);
    //
    // Returns the error number itself (0 with *result NULL: no such user).
    [LibraryImport(Libraries.Libc)]
    private static partial int getpwnam_r(byte* name, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    /// <summary>The user, or null when the database has none.</summary>
    internal static PasswdEntry? GetPasswdByName(string name)
    {
        if (name.Contains('\0'))
            return null; // no C string can name it
        byte[] cname = CString.FromString(name);
        for (int size = LookupBuffer.Initial; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            Passwd entry;
            Passwd* result = null;
            int error;
            fixed (byte* key = cname)
            fixed (byte* buf = buffer)
            {
                error = getpwnam_r(key, &entry, buf, (nuint)size, &result);
                if (error == 0)
                    return result == null ? null : result->ToEntry();
            }
            if (error != Errno.ERANGE || size >= LookupBuffer.Limit)
                throw new NativeCallException("getpwnam_r(" + name + ")", error);
        }
    }
}
