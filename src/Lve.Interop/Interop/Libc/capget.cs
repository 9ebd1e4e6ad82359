// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

/// <summary>struct __user_cap_header_struct.</summary>
internal struct CapHeader
{
    /// <summary>_LINUX_CAPABILITY_VERSION_3: 64-bit sets, two data structs.</summary>
    public const uint Version3 = 0x20080522;

    public uint version;
    public int pid;
}

/// <summary>struct __user_cap_data_struct (one half of a 64-bit set).</summary>
internal struct CapData
{
    public uint effective;
    public uint permitted;
    public uint inheritable;
}

/// <summary>The capability sets of a thread.</summary>
internal readonly record struct CapabilitySets(ulong Effective, ulong Permitted, ulong Inheritable)
{
    public bool IsEmpty => (Effective | Permitted | Inheritable) == 0;
}

internal static unsafe partial class Libc
{
    // int capget(cap_user_header_t hdrp, cap_user_data_t datap);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int capget(CapHeader* header, CapData* data);

    /// <summary>The calling thread's capability sets.</summary>
    internal static CapabilitySets CapGet()
    {
        var header = new CapHeader { version = CapHeader.Version3, pid = 0 };
        CapData* data = stackalloc CapData[2];
        if (capget(&header, data) != 0)
            throw LastError("capget");
        return new CapabilitySets(
            data[0].effective | (ulong)data[1].effective << 32,
            data[0].permitted | (ulong)data[1].permitted << 32,
            data[0].inheritable | (ulong)data[1].inheritable << 32);
    }
}
