// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int getresuid(uid_t *ruid, uid_t *euid, uid_t *suid);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int getresuid(uint* ruid, uint* euid, uint* suid);

    /// <summary>The real, effective and saved user ids.</summary>
    internal static (uint Real, uint Effective, uint Saved) GetResUid()
    {
        uint r, e, s;
        if (getresuid(&r, &e, &s) != 0)
            throw LastError("getresuid");
        return (r, e, s);
    }
}
