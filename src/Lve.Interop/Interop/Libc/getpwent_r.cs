// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int getpwent_r(struct passwd *pwbuf, char *buf, size_t buflen, struct passwd **pwbufp);
    //
    // Returns 0 with *pwbufp set, ENOENT at the end, ERANGE when buf is too small.
    [LibraryImport(Libraries.Libc)]
    private static partial int getpwent_r(Passwd* pwbuf, byte* buf, nuint buflen, Passwd** pwbufp);

    /// <summary>
    /// Every user the account database enumerates, in one pass
    /// (setpwent, getpwent_r..., endpwent): what a lookup of thousands of
    /// uids costs once instead of once per uid.  Services that do not
    /// enumerate (LDAP without enumeration) give none of theirs.
    /// </summary>
    internal static List<PasswdEntry> AllPasswd()
    {
        var users = new List<PasswdEntry>();
        byte[] buffer = new byte[LookupBuffer.Initial * 16];
        SetPasswdEnumeration();
        try
        {
            for (;;)
            {
                Passwd entry;
                Passwd* result = null;
                int error;
                fixed (byte* buf = buffer)
                {
                    error = getpwent_r(&entry, buf, (nuint)buffer.Length, &result);
                    if (error == 0 && result != null)
                    {
                        users.Add(result->ToEntry());
                        continue;
                    }
                }
                if (error == Errno.ERANGE && buffer.Length < LookupBuffer.Limit)
                {
                    buffer = new byte[buffer.Length * 2];
                    continue;
                }
                return users; // ENOENT: the end (any other error ends it too)
            }
        }
        finally
        {
            EndPasswdEnumeration();
        }
    }
}
