// SPDX-License-Identifier: MIT
using System.Collections.Generic;

namespace Lve.Interop;

/// <summary>
/// What an LVE uses and how often it hit its limits (struct lve_usage), from
/// the kernel's own counters.  Totals and fault counts run from the LVE's
/// creation.  A counter the kernel does not keep is null, never a zero that
/// looks measured.
/// </summary>
public sealed record LveUsage(
    ulong? CpuNanoseconds,
    ulong? CpuThrottledNanoseconds,
    ulong? Pmem,
    ulong? PmemPeak,
    ulong? Nproc,
    ulong? Ep,
    ulong? IoReadBytes,
    ulong? IoWriteBytes,
    ulong? IoReadOps,
    ulong? IoWriteOps,
    ulong? FaultSpeed,
    ulong? FaultPmem,
    ulong? FaultOom,
    ulong? FaultNproc,
    ulong? FaultEp)
{
    internal static unsafe LveUsage FromNative(in Liblve.Usage u)
    {
        var f = new ulong?[Liblve.Usage.Fields];
        for (int i = 0; i < Liblve.Usage.Fields; i++)
            f[i] = (u.Unavailable & (1ul << i)) != 0 ? null : u.Field[i];
        return new LveUsage(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13], f[14]);
    }
}
