// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int capset(cap_user_header_t hdrp, const cap_user_data_t datap);
    //
    // Like the kernel's capset, this sets the calling thread only.  lverun
    // uses it solely to clear every set right before execve, on the thread
    // that calls execve, where only that thread's sets matter.
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int capset(CapHeader* header, CapData* data);

    /// <summary>Empty the calling thread's effective, permitted and inheritable sets.</summary>
    internal static void CapClear()
    {
        var header = new CapHeader { version = CapHeader.Version3, pid = 0 };
        CapData* data = stackalloc CapData[2];
        data[0] = default;
        data[1] = default;
        if (capset(&header, data) != 0)
            throw LastError("capset(0)");
    }
}
