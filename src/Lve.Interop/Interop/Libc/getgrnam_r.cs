// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int getgrnam_r(const char *name, struct group *grp, char *buf, size_t buflen,
    //                struct group **result);
    //
    // Returns the error number itself (0 with *result NULL: no such group).
    [LibraryImport(Libraries.Libc)]
    private static partial int getgrnam_r(byte* name, Group* grp, byte* buf, nuint buflen, Group** result);

    /// <summary>The group, or null when the database has none.</summary>
    internal static GroupEntry? GetGroupByName(string name)
    {
        if (name.Contains('\0'))
            return null; // no C string can name it
        byte[] cname = CString.FromString(name);
        for (int size = LookupBuffer.Initial; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            Group entry;
            Group* result = null;
            int error;
            fixed (byte* key = cname)
            fixed (byte* buf = buffer)
            {
                error = getgrnam_r(key, &entry, buf, (nuint)size, &result);
                if (error == 0)
                    return result == null ? null : result->ToEntry();
            }
            if (error != Errno.ERANGE || size >= LookupBuffer.Limit)
                throw new NativeCallException("getgrnam_r(" + name + ")", error);
        }
    }
}
