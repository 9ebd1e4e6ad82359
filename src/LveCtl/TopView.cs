// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// lvectl top: the LVEs, heaviest first, refreshed every interval, like
/// top(1) and systemd-cgtop.  On a terminal: the whole screen (the
/// alternate screen, given back on exit), 80 columns are enough, q quits and
/// c m p e i f change the order.  Otherwise: the same table printed every
/// interval, with a time stamp, for logs and pipes.  A few escape sequences
/// do it; no terminal library is needed (docs/lvectl.md says why).
/// </summary>
public static class TopView
{
    public static readonly string[] SortKeys = ["cpu", "pmem", "nproc", "ep", "io", "faults"];

    private static readonly Dictionary<char, string> Keys = new()
    {
        ['c'] = "cpu", ['m'] = "pmem", ['p'] = "nproc", ['e'] = "ep", ['i'] = "io", ['f'] = "faults",
    };

    /// <summary>One LVE in one refresh: its row, and the faults since the refresh before.</summary>
    public sealed record Line(UsageRow Row, ulong FaultsDelta, string Hits);

    public static void Run(Session s, string sort, double interval, int? iterations)
    {
        bool screen = Libc.IsTerminal(1);
        bool keys = screen && Libc.IsTerminal(0);
        var quit = new ManualResetEventSlim(false);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; quit.Set(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; quit.Set(); });
        ConfigDocument config = ConfigFile.Read(s.ConfigPath).Document;

        Dictionary<uint, LveUsage> previous = Read(s);
        var clock = Stopwatch.StartNew();
        if (screen)
            s.Out.Write("\u001b[?1049h\u001b[?25l");
        try
        {
            // the first view after a short while, so that rates mean something
            double wait = Math.Min(interval, 1.0);
            for (int n = 0; iterations == null || n < iterations; n++)
            {
                if (Wait(wait, keys, quit, ref sort))
                    break;
                wait = interval;
                double elapsed = clock.Elapsed.TotalSeconds;
                clock.Restart();
                Dictionary<uint, LveUsage> now = Read(s);
                List<Line> lines = Lines(s, config, previous, now, elapsed);
                previous = now;
                Sort(lines, sort);
                if (screen)
                    Draw(s, lines, sort, interval);
                else
                    Print(s, lines, sort, interval);
            }
        }
        finally
        {
            if (screen)
                s.Out.Write("\u001b[?25h\u001b[?1049l");
            s.Out.Flush();
        }
    }

    /// <summary>Wait <paramref name="seconds"/>, reading keys; true to quit.</summary>
    private static bool Wait(double seconds, bool keys, ManualResetEventSlim quit, ref string sort)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed.TotalSeconds < seconds)
        {
            if (quit.Wait(keys ? 50 : (int)Math.Max(1, (seconds - until.Elapsed.TotalSeconds) * 1000)))
                return true;
            while (keys && Console.KeyAvailable)
            {
                char c = char.ToLowerInvariant(Console.ReadKey(intercept: true).KeyChar);
                if (c == 'q')
                    return true;
                if (Keys.TryGetValue(c, out string? key))
                {
                    sort = key;
                    return false; // redraw now, in the new order
                }
            }
        }
        return false;
    }

    private static Dictionary<uint, LveUsage> Read(Session s)
    {
        var usage = new Dictionary<uint, LveUsage>();
        foreach (uint id in s.Lve.List())
        {
            try
            {
                usage[id] = s.Lve.Usage(id);
            }
            catch (NativeCallException e) when (e.Errno == Errno.ENOENT)
            {
                // removed meanwhile
            }
        }
        return usage;
    }

    /// <summary>The rows of a refresh: rates and faults from <paramref name="before"/> to <paramref name="now"/>.</summary>
    public static List<Line> Lines(Session s, ConfigDocument config, Dictionary<uint, LveUsage> before,
        Dictionary<uint, LveUsage> now, double seconds)
    {
        var lines = new List<Line>(now.Count);
        foreach (var (id, usage) in now)
        {
            LveLimits limits;
            try
            {
                limits = s.Lve.GetLimits(id).Limits;
            }
            catch (NativeCallException)
            {
                continue;
            }
            var row = new UsageRow(id, Accounts.UserOf(id, config), null, limits, usage, null, null, null, null);
            ulong delta = 0;
            var hits = new List<string>();
            if (before.TryGetValue(id, out LveUsage? old))
            {
                row = row.WithRates(old, seconds);
                var was = new UsageRow(id, null, null, limits, old, null, null, null, null).Faults().ToDictionary(f => f.Key, f => f.Value);
                foreach (var (key, value) in row.Faults())
                {
                    if (value is ulong v && was[key] is ulong w && v > w)
                    {
                        delta += v - w;
                        hits.Add(key);
                    }
                }
            }
            lines.Add(new Line(row, delta, string.Join(',', hits)));
        }
        return lines;
    }

    public static void Sort(List<Line> lines, string sort)
    {
        Func<Line, double> weight = sort switch
        {
            "pmem" => l => l.Row.Now.Pmem ?? 0,
            "nproc" => l => l.Row.Now.Nproc ?? 0,
            "ep" => l => l.Row.Now.Ep ?? 0,
            "io" => l => (double)(l.Row.IoReadBps ?? 0) + (l.Row.IoWriteBps ?? 0),
            "faults" => l => l.FaultsDelta * 1e12 + l.Row.FaultsTotal,
            _ => l => l.Row.CpuPercent ?? 0,
        };
        lines.Sort((a, b) =>
        {
            int c = weight(b).CompareTo(weight(a));
            return c != 0 ? c : a.Row.Id.CompareTo(b.Row.Id);
        });
    }

    /// <summary>The header and the rows, each at most <paramref name="width"/> characters (80 fits).</summary>
    public static List<string> Render(List<Line> lines, string sort, double interval, int width, int height, bool help)
    {
        double cpu = lines.Sum(l => l.Row.CpuPercent ?? 0);
        ulong mem = (ulong)lines.Sum(l => (double)(l.Row.Now.Pmem ?? 0));
        ulong procs = (ulong)lines.Sum(l => (double)(l.Row.Now.Nproc ?? 0));
        var text = new List<string>
        {
            "lvectl top " + DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + "  " + lines.Count + " LVEs  every " +
                interval.ToString("0.#", CultureInfo.InvariantCulture) + "s  sorted by " + sort +
                (help ? "  q: quit, c m p e i f: sort" : ""),
            "CPU " + cpu.ToString("0.0", CultureInfo.InvariantCulture) + "%  memory " + LveLimit.ShortSize(mem) + "  processes " + procs +
                "  limits hit in the interval: " + lines.Count(l => l.FaultsDelta > 0) + " LVEs",
            "",
            Row("ID", "USER", "CPU%", "SPEED", "MEM", "PMEM", "PROCS", "EP", "IO/s", "HIT"),
        };
        LveLimit speed = LveLimit.Named("speed"), pmem = LveLimit.Named("pmem"), nproc = LveLimit.Named("nproc"), ep = LveLimit.Named("ep");
        foreach (Line l in lines.Take(height <= 0 ? int.MaxValue : Math.Max(0, height - text.Count)))
        {
            UsageRow r = l.Row;
            ulong? io = r.IoReadBps is ulong rb && r.IoWriteBps is ulong wb ? rb + wb : null;
            text.Add(Row(LveId.Text(r.Id), Reports.User(r.User), Reports.Percent(r.CpuPercent), speed.FormatShort(r.Limits[speed] ?? 0),
                Reports.Size(r.Now.Pmem), pmem.FormatShort(r.Limits[pmem] ?? 0),
                Reports.Count(r.Now.Nproc) + "/" + nproc.FormatShort(r.Limits[nproc] ?? 0),
                Reports.Count(r.Now.Ep) + "/" + ep.FormatShort(r.Limits[ep] ?? 0), Reports.Size(io), l.Hits));
        }
        return text.Select(t => width > 0 && t.Length > width ? t[..width] : t).ToList();
    }

    /// <summary>Fixed columns, 70 characters before HIT, so that 80 columns show it.</summary>
    private static string Row(string id, string user, string cpu, string speed, string mem, string pmem, string procs, string ep,
        string io, string hit) =>
        id.PadLeft(7) + " " + user.PadRight(10) + " " + cpu.PadLeft(6) + " " + speed.PadLeft(6) + " " + mem.PadLeft(6) + " " +
        pmem.PadLeft(6) + " " + procs.PadLeft(8) + " " + ep.PadLeft(6) + " " + io.PadLeft(6) + " " + hit;

    private static void Draw(Session s, List<Line> lines, string sort, double interval)
    {
        int width = 80, height = 24;
        try
        {
            width = Console.WindowWidth > 0 ? Console.WindowWidth : 80;
            height = Console.WindowHeight > 0 ? Console.WindowHeight : 24;
        }
        catch (System.IO.IOException)
        {
        }
        var frame = new StringBuilder("\u001b[H");
        foreach (string line in Render(lines, sort, interval, width, height - 1, help: true))
            frame.Append(line).Append("\u001b[K\r\n");
        frame.Append("\u001b[J");
        s.Out.Write(frame.ToString());
        s.Out.Flush();
    }

    private static void Print(Session s, List<Line> lines, string sort, double interval)
    {
        foreach (string line in Render(lines, sort, interval, 0, 0, help: false))
            s.Out.WriteLine(line);
        s.Out.WriteLine();
        s.Out.Flush();
    }
}
