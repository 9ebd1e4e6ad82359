// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// lvectl check: can this host enforce each limit?  It reads the mounts,
/// the LVE parent and the knob files of a probe cgroup (made beneath the LVE
/// parent, or the caller's own cgroup while the parent does not exist, and
/// removed at once), and measures what moving a process between cgroups
/// costs here (the RCU grace period that favordynmods removes).  It changes
/// nothing else.
/// </summary>
public static class HostCheck
{
    /// <summary>A cgroup mount: v1 with its controllers, or the unified (v2) one.</summary>
    public sealed record Mount(string Point, string Root, int Version, IReadOnlyList<string> Controllers, IReadOnlyList<string> Options);

    /// <summary>What liblve uses for each controller, in lve-ctl.h's order.</summary>
    private static readonly (string V1, string? V2)[] Controllers =
        [("cpu", "cpu"), ("cpuacct", null), ("memory", "memory"), ("pids", "pids"), ("blkio", "io")];

    /// <summary>The controller each limit needs ("" for liblve's own).</summary>
    private static string ControllerOf(LveLimit limit) => limit.Name switch
    {
        "speed" => "cpu",
        "pmem" => "memory",
        "nproc" => "pids",
        "io" or "iops" or "io_weight" => "blkio",
        _ => "",
    };

    public sealed record LimitCheck(string Name, bool Enforced, string Knob, string? Note);

    public static void Run(Session s, bool json)
    {
        List<Mount> mounts = Mounts(File.ReadAllText("/proc/self/mountinfo"));
        Dictionary<string, string> own = OwnCgroups(File.ReadAllText("/proc/self/cgroup"));
        ConfigDocument config = ConfigFile.Read(s.ConfigPath).Document;

        // where each controller is: its v1 hierarchy, or the unified one
        Mount? unified = mounts.FirstOrDefault(m => m.Version == 2);
        HashSet<string> v2Controllers = unified != null ? [.. ReadWords(Path.Combine(unified.Point, "cgroup.controllers"))] : [];
        var where = new Dictionary<string, Mount?>();
        foreach (var (v1, v2) in Controllers)
            where[v1] = mounts.FirstOrDefault(m => m.Version == 1 && m.Controllers.Contains(v1)) ??
                (v2 != null && v2Controllers.Contains(v2) ? unified : null);
        bool anyV1 = where.Values.Any(m => m?.Version == 1), anyV2 = where.Values.Any(m => m?.Version == 2);
        string layout = anyV1 && anyV2 ? "hybrid" : anyV2 ? "v2" : anyV1 ? "v1" : "none";

        var (parentSpec, parentSource) = ParentSetting(config);
        string ParentDir(Mount m)
        {
            string ownPath = m.Version == 2 ? own.GetValueOrDefault("") ?? "/" : m.Controllers.Select(c => own.GetValueOrDefault(c)).FirstOrDefault(c => c != null) ?? "/";
            string rel = parentSpec.StartsWith('/') ? parentSpec : Join(Relative(m.Root, ownPath), parentSpec);
            return Join(m.Point, Relative("/", rel));
        }

        // the knobs, from a probe cgroup in each hierarchy liblve uses
        var files = new Dictionary<Mount, HashSet<string>>();
        foreach (Mount m in where.Values.OfType<Mount>().Distinct())
            files[m] = ProbeFiles(m, ParentDir(m), own);

        var limits = new List<LimitCheck>();
        foreach (LveLimit limit in LveLimit.All)
        {
            string controller = ControllerOf(limit);
            if (controller.Length == 0)
            {
                limits.Add(new LimitCheck(limit.Name, true, "liblve's entry slots", null));
                continue;
            }
            Mount? m = where.GetValueOrDefault(controller);
            if (m == null)
            {
                limits.Add(new LimitCheck(limit.Name, false, limit.V1Knob, "the " + controller + " controller is not mounted"));
                continue;
            }
            string knob = m.Version == 1 ? limit.V1Knob : limit.V2Knob;
            limits.Add(Knob(limit, m, knob, files[m]));
        }

        var delegation = Delegation(unified, layout, ParentDir);
        var dynmods = FavorDynmods(mounts, where.GetValueOrDefault("cpu"), own, ParentDir);
        bool allEnforced = limits.All(l => l.Enforced);

        if (json)
        {
            Reports.Json(s, w =>
            {
                w.WriteStartObject();
                w.WriteString("layout", layout);
                w.WriteStartArray("hierarchies");
                foreach (Mount m in mounts.Where(m => m.Version == 2 || m.Controllers.Any(c => where.ContainsKey(c))))
                {
                    w.WriteStartObject();
                    w.WriteNumber("version", m.Version);
                    w.WriteString("mount", m.Point);
                    w.WriteStartArray("controllers");
                    foreach (string c in m.Version == 2 ? v2Controllers.Order().ToList() : m.Controllers)
                        w.WriteStringValue(c);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartObject("controllers");
                foreach (var (c, m) in where)
                    if (m == null) w.WriteNull(c); else w.WriteNumber(c, m.Version);
                w.WriteEndObject();
                w.WriteStartObject("parent");
                w.WriteString("path", parentSpec);
                w.WriteString("source", parentSource);
                w.WriteEndObject();
                w.WriteStartObject("limits");
                foreach (LimitCheck l in limits)
                {
                    w.WriteStartObject(l.Name);
                    w.WriteBoolean("enforced", l.Enforced);
                    w.WriteString("knob", l.Knob);
                    if (l.Note != null) w.WriteString("note", l.Note); else w.WriteNull("note");
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteStartObject("delegation");
                w.WriteBoolean("needed", delegation.Needed);
                if (delegation.Delegated is bool d) w.WriteBoolean("delegated", d); else w.WriteNull("delegated");
                w.WriteString("note", delegation.Note);
                w.WriteEndObject();
                w.WriteStartObject("favordynmods");
                w.WriteBoolean("enabled", dynmods.Enabled);
                if (dynmods.ProcessMoveMs is double p) w.WriteNumber("process_move_ms", Math.Round(p, 3)); else w.WriteNull("process_move_ms");
                if (dynmods.ThreadMoveMs is double t) w.WriteNumber("thread_move_ms", Math.Round(t, 3)); else w.WriteNull("thread_move_ms");
                w.WriteString("note", dynmods.Note);
                w.WriteEndObject();
                w.WriteBoolean("all_enforced", allEnforced);
                w.WriteEndObject();
            });
        }
        else
        {
            s.Out.WriteLine("cgroups: " + layout + " (" + string.Join(", ", where.Select(kv => kv.Key + " " +
                (kv.Value == null ? "missing" : "v" + kv.Value.Version))) + ")");
            s.Out.WriteLine("LVE parent: " + parentSpec + " (" + parentSource + ")");
            s.Out.WriteLine();
            var table = new Table(("LIMIT", false), ("ENFORCED", false), ("KNOB", false), ("NOTE", false));
            foreach (LimitCheck l in limits)
                table.Add(l.Name, l.Enforced ? "yes" : "no", l.Knob, l.Note ?? "");
            table.Write(s.Out);
            s.Out.WriteLine();
            s.Out.WriteLine("delegation: " + delegation.Note);
            s.Out.WriteLine("favordynmods: " + dynmods.Note);
        }
        if (!allEnforced)
            s.Fail("check", "some limits cannot be enforced on this host: " + string.Join(", ", limits.Where(l => !l.Enforced).Select(l => l.Name)));
    }

    private static LimitCheck Knob(LveLimit limit, Mount m, string knob, HashSet<string> files)
    {
        string v = m.Version == 1 ? " (v1)" : " (v2)";
        switch (limit.Name)
        {
            case "speed":
                return m.Version == 1 ? Has(limit, "cpu.cfs_quota_us" + v, files.Contains("cpu.cfs_quota_us"), null)
                    : Has(limit, "cpu.max" + v, files.Contains("cpu.max"), null);
            case "pmem":
                if (m.Version == 1)
                    return Has(limit, "memory.limit_in_bytes" + v, files.Contains("memory.limit_in_bytes"),
                        files.Contains("memory.memsw.limit_in_bytes") ? null
                            : "swap is not limited with it: boot with swapaccount=1 for memory.memsw.limit_in_bytes");
                return Has(limit, "memory.max" + v, files.Contains("memory.max"),
                    files.Contains("memory.swap.max") ? null : "swap is not limited with it (no memory.swap.max)");
            case "nproc":
                return Has(limit, "pids.max" + v, files.Contains("pids.max"), null);
            case "io":
                return m.Version == 1 ? Has(limit, "blkio.throttle.*_bps_device" + v, files.Contains("blkio.throttle.read_bps_device"), null)
                    : Has(limit, "io.max" + v, files.Contains("io.max"), null);
            case "iops":
                return m.Version == 1 ? Has(limit, "blkio.throttle.*_iops_device" + v, files.Contains("blkio.throttle.read_iops_device"), null)
                    : Has(limit, "io.max" + v, files.Contains("io.max"), null);
            case "io_weight":
                {
                    string[] bfq = DisksWith("bfq");
                    string disks = bfq.Length == 0 ? "no disk uses the bfq scheduler" : "bfq on " + string.Join(", ", bfq);
                    // the knob is there as soon as bfq is loaded; it acts only on disks that use bfq
                    const string useBfq = "a weight acts only on disks whose scheduler is bfq: modprobe bfq; echo bfq > /sys/block/DISK/queue/scheduler";
                    if (m.Version == 1)
                        return Has(limit, "blkio.bfq.weight" + v, files.Contains("blkio.bfq.weight") && bfq.Length > 0,
                            files.Contains("blkio.bfq.weight") && bfq.Length > 0 ? disks : files.Contains("blkio.bfq.weight") ? disks + "; " + useBfq : useBfq);
                    if (files.Contains("io.bfq.weight") && bfq.Length > 0)
                        return Has(limit, "io.bfq.weight" + v, true, disks);
                    bool iocost = File.Exists(Path.Combine(m.Point, "io.cost.qos")) &&
                        File.ReadAllText(Path.Combine(m.Point, "io.cost.qos")).Contains("enable=1", StringComparison.Ordinal);
                    return Has(limit, "io.weight" + v, files.Contains("io.weight") && iocost,
                        iocost ? "iocost is on" : "io.weight acts only with iocost (io.cost.qos enable=1) or bfq");
                }
            default:
                return Has(limit, knob + v, knob.Split(',', ' ').Where(k => k.Contains('.')).All(files.Contains), null);
        }
    }

    private static LimitCheck Has(LveLimit limit, string knob, bool present, string? note) =>
        new(limit.Name, present, knob, present ? note : note ?? "the kernel offers no " + knob.Split(' ')[0]);

    /// <summary>The block devices whose scheduler is <paramref name="scheduler"/>.</summary>
    private static string[] DisksWith(string scheduler)
    {
        var disks = new List<string>();
        if (!Directory.Exists("/sys/block"))
            return [];
        foreach (string dir in Directory.EnumerateFileSystemEntries("/sys/block"))
        {
            string file = Path.Combine(dir, "queue", "scheduler");
            try
            {
                if (File.Exists(file) && File.ReadAllText(file).Contains("[" + scheduler + "]", StringComparison.Ordinal))
                    disks.Add(Path.GetFileName(dir));
            }
            catch (IOException)
            {
            }
        }
        disks.Sort(StringComparer.Ordinal);
        return [.. disks];
    }

    /// <summary>The files of a fresh cgroup in <paramref name="m"/>: made beneath the LVE parent (or our own cgroup), read, removed.</summary>
    private static HashSet<string> ProbeFiles(Mount m, string parentDir, Dictionary<string, string> own)
    {
        string? probe = MakeProbe(m, parentDir, own);
        if (probe == null)
            return [];
        try
        {
            return [.. Directory.EnumerateFiles(probe).Select(f => Path.GetFileName(f))];
        }
        finally
        {
            RemoveProbe(probe);
        }
    }

    private static string? MakeProbe(Mount m, string parentDir, Dictionary<string, string> own)
    {
        string ownPath = m.Version == 2 ? own.GetValueOrDefault("") ?? "/" : m.Controllers.Select(c => own.GetValueOrDefault(c)).FirstOrDefault(c => c != null) ?? "/";
        string ownDir = Join(m.Point, Relative(m.Root, ownPath));
        string baseDir = Directory.Exists(parentDir) ? parentDir : ownDir;
        string probe = Path.Combine(baseDir, ".lvectl-check-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            Directory.CreateDirectory(probe);
            return probe;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void RemoveProbe(string probe)
    {
        try
        {
            Directory.Delete(probe, recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private sealed record DelegationCheck(bool Needed, bool? Delegated, string Note);

    private static DelegationCheck Delegation(Mount? unified, string layout, Func<Mount, string> parentDir)
    {
        bool systemd = Directory.Exists("/run/systemd/system");
        if (unified == null || layout == "v1")
            return new(false, null, "not needed: LVEs live in cgroup v1 hierarchies, which systemd does not manage");
        if (!systemd)
            return new(false, null, "not needed: systemd does not manage this host's cgroups");
        // systemd marks the cgroups it delegated (Delegate=yes) with trusted.delegate=1
        string dir = parentDir(unified);
        for (string? d = dir; d != null && d.Length >= unified.Point.Length; d = Path.GetDirectoryName(d))
        {
            if (Libc.GetXattr(d, "trusted.delegate") == "1" || Libc.GetXattr(d, "user.delegate") == "1")
                return new(true, true, "the LVE parent lies in " + d + ", which systemd delegated (Delegate=yes): safe from daemon-reload");
        }
        return new(true, false, "the LVE parent " + dir + " is not in a subtree systemd delegated: systemd may empty or move it " +
            "(single-writer rule); run lvectl apply from lve.service, which has Delegate=yes, and set parent in the configuration " +
            "to a path beneath its cgroup");
    }

    private sealed record DynmodsCheck(bool Enabled, double? ProcessMoveMs, double? ThreadMoveMs, string Note);

    /// <summary>
    /// favordynmods: without it, each move of a process into another cgroup
    /// (cgroup.procs) waits for an RCU grace period before it returns, once
    /// per launch.  Measured here by moving this process (and, on v1, one of
    /// its threads, as lverun does) into a probe cgroup and back.
    /// </summary>
    private static DynmodsCheck FavorDynmods(List<Mount> mounts, Mount? cpu, Dictionary<string, string> own, Func<Mount, string> parentDir)
    {
        bool on = mounts.Any(m => m.Options.Contains("favordynmods"));
        string cmdline = File.Exists("/proc/cmdline") ? File.ReadAllText("/proc/cmdline") : "";
        bool boot = cmdline.Split(' ', '\n').Any(w => w is "cgroup_favordynmods=1" or "cgroup_favordynmods=true" or "cgroup_favordynmods=y");
        on |= boot;
        double? process = null, thread = null;
        if (cpu != null && MakeProbe(cpu, parentDir(cpu), own) is string probe)
        {
            try
            {
                string ownPath = cpu.Version == 2 ? own.GetValueOrDefault("") ?? "/" : own.GetValueOrDefault("cpu") ?? "/";
                string home = Join(cpu.Point, Relative(cpu.Root, ownPath));
                process = Median(() => Move(probe, home, "cgroup.procs", Environment.ProcessId));
                if (cpu.Version == 1)
                    thread = Median(() => Move(probe, home, "tasks", 0)); // "0": this thread, as lverun enters
            }
            finally
            {
                RemoveProbe(probe);
            }
        }
        string cost = process is double p ? string.Format(CultureInfo.InvariantCulture, " (measured here: {0:0.###} ms per process move", p) +
            (thread is double t ? string.Format(CultureInfo.InvariantCulture, ", {0:0.###} ms for one thread, as lverun enters on v1)", t) : ")") : "";
        string how = cpu?.Version == 2
            ? "turn it on now with: mount -o remount,favordynmods " + cpu.Point + " (Linux 6.0+), and for good with the boot parameter " +
              "cgroup_favordynmods=1 (Linux 6.7+) or the mount option in fstab or systemd's mount unit"
            : "turn it on with the boot parameter cgroup_favordynmods=1 (Linux 6.7+; a v1 hierarchy cannot change it on remount)";
        string note = on
            ? "on: moving a process into an LVE does not wait for an RCU grace period" + cost + "; forks and exits cost a little more"
            : "off: each launch that moves a process into an LVE waits for an RCU grace period" + cost + "; " + how +
              " (the price: forks and exits get a little slower)";
        return new(on, process, thread, note);
    }

    /// <summary>
    /// Move task <paramref name="id"/> into <paramref name="probe"/> and back
    /// to <paramref name="home"/>; the milliseconds of the move in.  After a
    /// quiet spell, as a launch on a calm host: the kernel keeps the slow
    /// mode for a grace period after a move, so moves back to back would not
    /// show the wait.
    /// </summary>
    private static double Move(string probe, string home, string file, int id)
    {
        string text = id.ToString(CultureInfo.InvariantCulture);
        System.Threading.Thread.Sleep(100);
        var clock = Stopwatch.StartNew();
        File.WriteAllText(Path.Combine(probe, file), text);
        double ms = clock.Elapsed.TotalMilliseconds;
        File.WriteAllText(Path.Combine(home, file), text);
        return ms;
    }

    private static double? Median(Func<double> measure)
    {
        var times = new List<double>();
        try
        {
            for (int i = 0; i < 3; i++)
                times.Add(measure());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static (string Spec, string Source) ParentSetting(ConfigDocument config)
    {
        if (Environment.GetEnvironmentVariable("LIBLVE_CGROUP_PARENT") is { Length: > 0 } env)
            return (env, "LIBLVE_CGROUP_PARENT" + (env.StartsWith('/') ? "" : ", beneath lvectl's own cgroup"));
        if (config.Parent != null)
            return (config.Parent, "the configuration");
        return (BuildInfo.DefaultParent, "built in");
    }

    /// <summary>The cgroup mounts of /proc/self/mountinfo.</summary>
    public static List<Mount> Mounts(string mountinfo)
    {
        var mounts = new List<Mount>();
        foreach (string line in mountinfo.Split('\n'))
        {
            int sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0)
                continue;
            string[] left = line[..sep].Split(' ');
            string[] right = line[(sep + 3)..].Split(' ');
            if (left.Length < 6 || right.Length < 3 || right[0] is not ("cgroup" or "cgroup2"))
                continue;
            string[] options = right[2].Split(',');
            string[] controllers = right[0] == "cgroup2" ? []
                : options.Where(o => o is "cpu" or "cpuacct" or "memory" or "pids" or "blkio" or "cpuset" or "devices" or "freezer"
                    or "net_cls" or "net_prio" or "perf_event" or "hugetlb" or "rdma" or "misc").ToArray();
            mounts.Add(new Mount(Unescape(left[4]), Unescape(left[3]), right[0] == "cgroup2" ? 2 : 1, controllers, options));
        }
        return mounts;
    }

    private static Dictionary<string, string> OwnCgroups(string text)
    {
        var result = new Dictionary<string, string>();
        foreach (string line in text.Split('\n'))
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            if (parts[0] == "0" && parts[1].Length == 0)
                result[""] = parts[2];
            foreach (string c in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries))
                result[c] = parts[2];
        }
        return result;
    }

    private static IEnumerable<string> ReadWords(string file)
    {
        try
        {
            return File.ReadAllText(file).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static string Relative(string root, string path) =>
        root == "/" ? path.TrimStart('/') : path.StartsWith(root, StringComparison.Ordinal) ? path[root.Length..].TrimStart('/') : path.TrimStart('/');

    private static string Join(string a, string b) =>
        b.Length == 0 ? a : a.EndsWith('/') ? a + b.TrimStart('/') : a + "/" + b.TrimStart('/');

    private static string Unescape(string text) =>
        text.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
