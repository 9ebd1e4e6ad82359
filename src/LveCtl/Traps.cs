// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// Combinations of limits that are valid but known to hurt: lvectl warns,
/// and applies them all the same (the admin may know better).
/// </summary>
public static class Traps
{
    /// <summary>Below this much memory a hosting account's PHP, mail and cron jobs are OOM-killed in ordinary use.</summary>
    public const ulong SmallestSensiblePmem = 512ul << 20;

    /// <summary>Processes each account needs beyond its entries: a PHP worker's children, cron, mail.</summary>
    public const ulong NprocHeadroom = 15;

    /// <summary>The warnings for the limits <paramref name="limits"/> (every limit set), one line each.</summary>
    public static IEnumerable<string> Check(LveLimits limits)
    {
        LveLimit? pmem = LveLimit.Find("pmem"), nproc = LveLimit.Find("nproc"), ep = LveLimit.Find("ep");
        if (nproc != null && ep != null && limits[nproc] is ulong n and > 0 && limits[ep] is ulong e and > 0 && n < e + NprocHeadroom)
            yield return "nproc " + n + " is below ep " + e + " + " + NprocHeadroom +
                ": with every entry taken, the account cannot fork (PHP workers, cron and mail need the room); " +
                "set nproc to at least " + (e + NprocHeadroom);
        if (pmem != null && limits[pmem] is ulong m and > 0 && m < SmallestSensiblePmem)
            yield return "pmem " + pmem.Format(m) + " is below 512M: PHP, mail and cron jobs of a hosting account " +
                "are OOM-killed at this size in ordinary use";
    }
}
