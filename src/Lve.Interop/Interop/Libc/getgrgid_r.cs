// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int getgrgid_r(gid_t gid, struct group *grp, char *buf, size_t buflen,
    //                struct group **result);
    //
    // Returns the error number itself (0 with *result NULL: no such group).
    [LibraryImport(Libraries.Libc)]
    private static partial int getgrgid_r(uint gid, Group* grp, byte* buf, nuint buflen, Group** result);

    /// <summary>The group, or null when the database has none.</summary>
    internal static GroupEntry? GetGroupByGid(uint gid)
    {
        for (int size = LookupBuffer.Initial; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            Group entry;
            Group* result = null;
            int error;
            fixed (byte* buf = buffer)
            {
                error = getgrgid_r(gid, &entry, buf, (nuint)size, &result);
                if (error == 0)
                    return result == null ? null : result->ToEntry();
            }
            if (error != Errno.ERANGE || size >= LookupBuffer.Limit)
                throw new NativeCallException("getgrgid_r(" + gid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", error);
        }
    }
}
