// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text.Json;
using System.Threading;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// One LVE's usage as lvectl shows it: its limits, its counters now, the
/// rates over an interval (null without one), and its faults.  The JSON keys
/// are lvectl's stable interface (lvectl(8), JSON OUTPUT).
/// </summary>
public sealed record UsageRow(uint Id, string? User, bool? Configured, LveLimits Limits, LveUsage Now,
    double? CpuPercent, ulong? IoReadBps, ulong? IoWriteBps, ulong? Iops)
{
    /// <summary>The keys of "usage", in order.</summary>
    public static readonly string[] UsageKeys =
        ["cpu_percent", "cpu_seconds", "pmem", "pmem_peak", "nproc", "ep", "io_read_bps", "io_write_bps", "iops"];

    /// <summary>The keys of "faults", in order: one per limit that counts them, and oom kills.</summary>
    public static readonly string[] FaultKeys = ["speed", "pmem", "oom", "nproc", "ep"];

    public double? CpuSeconds => Now.CpuNanoseconds is ulong ns ? Math.Round(ns / 1e9, 3) : null;

    /// <summary>Every fault since the LVE was made, summed over the kinds this kernel counts.</summary>
    public ulong FaultsTotal =>
        (Now.FaultSpeed ?? 0) + (Now.FaultPmem ?? 0) + (Now.FaultOom ?? 0) + (Now.FaultNproc ?? 0) + (Now.FaultEp ?? 0);

    public IEnumerable<(string Key, ulong? Value)> Faults()
    {
        yield return ("speed", Now.FaultSpeed);
        yield return ("pmem", Now.FaultPmem);
        yield return ("oom", Now.FaultOom);
        yield return ("nproc", Now.FaultNproc);
        yield return ("ep", Now.FaultEp);
    }

    /// <summary>The row with rates over <paramref name="seconds"/> from <paramref name="before"/> to this row's counters.</summary>
    public UsageRow WithRates(LveUsage before, double seconds)
    {
        static ulong? Delta(ulong? a, ulong? b) => a is ulong x && b is ulong y && y >= x ? y - x : null;
        static ulong? PerSecond(ulong? delta, double s) => delta is ulong d ? (ulong)Math.Round(d / s) : null;
        double? cpu = Delta(before.CpuNanoseconds, Now.CpuNanoseconds) is ulong ns ? Math.Round(ns / (seconds * 1e7), 1) : null;
        ulong? ops = Delta(before.IoReadOps, Now.IoReadOps) is ulong r && Delta(before.IoWriteOps, Now.IoWriteOps) is ulong w
            ? PerSecond(r + w, seconds) : null;
        return this with
        {
            CpuPercent = cpu,
            IoReadBps = PerSecond(Delta(before.IoReadBytes, Now.IoReadBytes), seconds),
            IoWriteBps = PerSecond(Delta(before.IoWriteBytes, Now.IoWriteBytes), seconds),
            Iops = ops,
        };
    }

    /// <summary>
    /// {"id":..,"user":..,["configured":..,]"limits":{..},"usage":{..},"faults":{..}}:
    /// bytes and counts as integers, percentages and seconds as numbers, a
    /// counter this kernel does not keep (or a rate without an interval) as null.
    /// </summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("id", Id);
        if (User != null)
            w.WriteString("user", User);
        else
            w.WriteNull("user");
        if (Configured is bool configured)
            w.WriteBoolean("configured", configured);
        w.WriteStartObject("limits");
        foreach (LveLimit limit in LveLimit.All)
            Number(w, limit.Name, Limits[limit]);
        w.WriteEndObject();
        w.WriteStartObject("usage");
        Number(w, "cpu_percent", CpuPercent);
        Number(w, "cpu_seconds", CpuSeconds);
        Number(w, "pmem", Now.Pmem);
        Number(w, "pmem_peak", Now.PmemPeak);
        Number(w, "nproc", Now.Nproc);
        Number(w, "ep", Now.Ep);
        Number(w, "io_read_bps", IoReadBps);
        Number(w, "io_write_bps", IoWriteBps);
        Number(w, "iops", Iops);
        w.WriteEndObject();
        w.WriteStartObject("faults");
        foreach (var (key, value) in Faults())
            Number(w, key, value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string key, ulong? value)
    {
        if (value is ulong v)
            w.WriteNumber(key, v);
        else
            w.WriteNull(key);
    }

    private static void Number(Utf8JsonWriter w, string key, double? value)
    {
        if (value is double v)
            w.WriteNumber(key, v);
        else
            w.WriteNull(key);
    }
}

/// <summary>Reading the usage of many LVEs, once or twice an interval apart.</summary>
public static class UsageSampler
{
    /// <summary>
    /// The rows of <paramref name="ids"/> (every LVE when null).  With an
    /// interval, two samples that far apart, and the rates between them.
    /// An LVE that cannot be read is reported and left out.  The LVEs are
    /// read on every core at once: the time goes into the kernel's cgroup
    /// files, one LVE at a time per thread (liblve's calls on one instance
    /// may run side by side).
    /// </summary>
    public static List<UsageRow> Sample(Session s, ConfigDocument config, IReadOnlyList<uint>? ids, double? interval,
        bool withConfigured, bool reportMissing)
    {
        IReadOnlyList<uint> which = ids ?? s.Lve.List();
        Accounts.Prepare(which.Count);
        LveUsage?[]? first = null;
        var clock = Stopwatch.StartNew();
        if (interval is double seconds)
        {
            first = new LveUsage?[which.Count];
            Parallel(which.Count, i => first[i] = Read(s, which[i], reportMissing: false));
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        var found = new UsageRow?[which.Count];
        Parallel(which.Count, i =>
        {
            uint id = which[i];
            LveUsage? now = Read(s, id, reportMissing);
            if (now == null)
                return;
            LveLimits limits;
            try
            {
                limits = s.Lve.GetLimits(id).Limits;
            }
            catch (NativeCallException e)
            {
                if (reportMissing || e.Errno != Errno.ENOENT)
                    s.Fail("usage " + LveId.Text(id), e.Errno == Errno.ENOENT ? "no such LVE" : Errno.Describe(e.Errno));
                return;
            }
            var row = new UsageRow(id, Accounts.UserOf(id, config), withConfigured ? config.Find(id) != null : null,
                limits, now, null, null, null, null);
            if (first?[i] is LveUsage before)
                row = row.WithRates(before, elapsed);
            found[i] = row;
        });
        var rows = new List<UsageRow>(which.Count);
        foreach (UsageRow? row in found)
            if (row != null)
                rows.Add(row);
        return rows;
    }

    /// <summary>body(0..count-1), spread over the cores; small counts on this thread.</summary>
    public static void Parallel(int count, Action<int> body)
    {
        if (count < 64 || Environment.ProcessorCount < 2)
        {
            for (int i = 0; i < count; i++)
                body(i);
            return;
        }
        System.Threading.Tasks.Parallel.For(0, count,
            new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, body);
    }

    private static LveUsage? Read(Session s, uint id, bool reportMissing)
    {
        try
        {
            return s.Lve.Usage(id);
        }
        catch (NativeCallException e)
        {
            if (reportMissing || e.Errno != Errno.ENOENT)
                s.Fail("usage " + LveId.Text(id), e.Errno == Errno.ENOENT ? "no such LVE" : Errno.Describe(e.Errno));
            return null;
        }
    }
}
