// SPDX-License-Identifier: MIT
using System;
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups);
    //
    // -1 when *ngroups was too small; *ngroups then holds the size needed.
    [LibraryImport(Libraries.Libc)]
    private static partial int getgrouplist(byte* user, uint group, uint* groups, int* ngroups);

    /// <summary>
    /// The groups initgroups(3) would give <paramref name="user"/>: every
    /// group of the database that lists the user, and <paramref name="group"/>.
    /// </summary>
    internal static uint[] GetGroupList(ReadOnlySpan<byte> user, uint group)
    {
        byte[] cname = new byte[user.Length + 1];
        user.CopyTo(cname);
        int count = 32;
        while (true)
        {
            var groups = new uint[count];
            int n = count;
            int r;
            fixed (byte* name = cname)
            fixed (uint* list = groups)
            {
                r = getgrouplist(name, group, list, &n);
            }
            if (r >= 0)
                return groups[..n];
            // glibc reports the size it needs; grow at least twofold anyway
            // so that a misbehaving NSS module cannot keep us here.
            if (count >= 1 << 20)
                throw new NativeCallException("getgrouplist(" + System.Text.Encoding.UTF8.GetString(user) + ")", Errno.ERANGE);
            count = Math.Max(n, count * 2);
        }
    }
}
