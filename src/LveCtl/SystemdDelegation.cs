// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// The cgroup subtree systemd delegated to the unit lvectl runs in
/// (lve.service, Delegate=yes), on a cgroup v2 host.  systemd owns the rest
/// of the tree ("single writer"): LVEs made elsewhere are emptied or fought
/// over, so on such a host they live beneath the unit's cgroup, at
/// &lt;unit&gt;/lve.  apply --all, run by the unit (ExecStartPost, in its
/// .control cgroup), gets the subtree ready: the unit's own processes move
/// into the leaf supervisor/ (a cgroup that enables controllers for its
/// children may hold no process), the controllers are enabled beneath the
/// unit, and the configuration gets its parent if it has none, so that
/// liblve, lverun and every other program find the LVEs there.
/// </summary>
public sealed class SystemdDelegation
{
    /// <summary>The controllers LVEs use on cgroup v2.</summary>
    private static readonly string[] Controllers = ["cpu", "memory", "pids", "io"];

    private SystemdDelegation(string directory, string cgroup)
    {
        Directory = directory;
        Cgroup = cgroup;
    }

    /// <summary>The unit's cgroup directory, e.g. /sys/fs/cgroup/system.slice/lve.service.</summary>
    public string Directory { get; }

    /// <summary>The unit's cgroup, e.g. /system.slice/lve.service.</summary>
    public string Cgroup { get; }

    /// <summary>The LVE parent beneath it.</summary>
    public string Parent => Cgroup + "/lve";

    /// <summary>
    /// The delegated unit this process runs in, or null: not a pure cgroup v2
    /// host (liblve uses v1 hierarchies for cpu), not run by systemd, or not
    /// in a cgroup systemd delegated (it marks those trusted.delegate=1).
    /// </summary>
    public static SystemdDelegation? Detect(string mountinfo, string procSelfCgroup, bool systemd, Func<string, string?> delegateMark)
    {
        if (!systemd)
            return null;
        List<HostCheck.Mount> mounts = HostCheck.Mounts(mountinfo);
        if (mounts.Any(m => m.Version == 1 && m.Controllers.Contains("cpu")))
            return null;
        HostCheck.Mount? unified = mounts.FirstOrDefault(m => m.Version == 2);
        if (unified == null)
            return null;
        string? own = procSelfCgroup.Split('\n').Where(l => l.StartsWith("0::", StringComparison.Ordinal)).Select(l => l[3..]).FirstOrDefault();
        if (own == null || !own.StartsWith('/'))
            return null;
        // ExecStartPost= and ExecReload= run in the unit's .control cgroup
        string cgroup = own.EndsWith("/.control", StringComparison.Ordinal) ? own[..^"/.control".Length] : own;
        if (cgroup is "" or "/")
            return null;
        string relative = unified.Root == "/" ? cgroup : cgroup.StartsWith(unified.Root, StringComparison.Ordinal) ? cgroup[unified.Root.Length..] : cgroup;
        string directory = unified.Point.TrimEnd('/') + relative;
        return delegateMark(directory) == "1" ? new SystemdDelegation(directory, cgroup) : null;
    }

    /// <summary>The delegated unit of this process, on this host, or null.</summary>
    public static SystemdDelegation? OfThisProcess() =>
        Detect(File.ReadAllText("/proc/self/mountinfo"), File.ReadAllText("/proc/self/cgroup"),
            System.IO.Directory.Exists("/run/systemd/system"),
            d => Libc.GetXattr(d, "trusted.delegate") ?? Libc.GetXattr(d, "user.delegate"));

    /// <summary>
    /// Move the unit's processes into supervisor/ and enable the LVE
    /// controllers beneath the unit.  Returns what it did, for the journal.
    /// </summary>
    public IReadOnlyList<string> Prepare()
    {
        var done = new List<string>();
        string supervisor = Path.Combine(Directory, "supervisor");
        if (!System.IO.Directory.Exists(supervisor))
        {
            System.IO.Directory.CreateDirectory(supervisor);
            done.Add("made " + supervisor);
        }
        foreach (string pid in File.ReadAllText(Path.Combine(Directory, "cgroup.procs")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                File.WriteAllText(Path.Combine(supervisor, "cgroup.procs"), pid);
                done.Add("moved process " + pid + " into " + supervisor);
            }
            catch (IOException)
            {
                // gone meanwhile
            }
        }
        HashSet<string> offered = [.. File.ReadAllText(Path.Combine(Directory, "cgroup.controllers")).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];
        HashSet<string> enabled = [.. File.ReadAllText(Path.Combine(Directory, "cgroup.subtree_control")).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];
        string[] wanted = Controllers.Where(c => offered.Contains(c) && !enabled.Contains(c)).ToArray();
        if (wanted.Length > 0)
        {
            File.WriteAllText(Path.Combine(Directory, "cgroup.subtree_control"), string.Join(' ', wanted.Select(c => "+" + c)));
            done.Add("enabled " + string.Join(' ', wanted) + " beneath " + Directory);
        }
        return done;
    }

    /// <summary>
    /// Before apply --all in a delegated unit: the subtree ready, and the
    /// configuration's parent set to it when it names none.  A parent
    /// outside the subtree is warned about (the admin chose it).
    /// </summary>
    public static void BeforeApply(Session s)
    {
        if (Environment.GetEnvironmentVariable("LIBLVE_CGROUP_PARENT") is { Length: > 0 })
            return; // liblve takes that one, whatever the configuration says
        SystemdDelegation? unit = OfThisProcess();
        if (unit == null)
            return;
        try
        {
            foreach (string line in unit.Prepare())
                s.Out.WriteLine(line);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            s.Fail("apply: the subtree systemd delegated (" + unit.Directory + ")", e.Message);
        }
        using ConfigFile file = ConfigFile.OpenForChange(s.ConfigPath);
        string? parent = file.Document.Parent;
        if (parent == null)
        {
            file.Write(file.Document.WithParent(unit.Parent,
                "# set by lvectl apply in " + Path.GetFileName(unit.Cgroup) + ": the cgroup subtree systemd delegated to it"));
            s.Out.WriteLine("configured parent = " + unit.Parent + " in " + s.ConfigPath);
        }
        else if (parent != unit.Cgroup && !parent.StartsWith(unit.Cgroup + "/", StringComparison.Ordinal))
            s.Warn("parent " + parent, "outside " + unit.Cgroup + ", the subtree systemd delegated to this unit: systemd may empty " +
                "or move its cgroups (set parent = " + unit.Parent + ")");
    }

    public override string ToString() => Cgroup.ToString(CultureInfo.InvariantCulture);
}
