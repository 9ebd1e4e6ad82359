// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int getresgid(gid_t *rgid, gid_t *egid, gid_t *sgid);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int getresgid(uint* rgid, uint* egid, uint* sgid);

    /// <summary>The real, effective and saved group ids.</summary>
    internal static (uint Real, uint Effective, uint Saved) GetResGid()
    {
        uint r, e, s;
        if (getresgid(&r, &e, &s) != 0)
            throw LastError("getresgid");
        return (r, e, s);
    }
}
