// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Xunit;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Lve.Setuid.Tests;

/// <summary>A user the tests create and run lverun as.</summary>
public sealed record Account(string Name, uint Uid, uint Gid, uint[] Groups, string Home)
{
    public string Id => Uid.ToString(CultureInfo.InvariantCulture);

    public override string ToString() => Name + " (uid " + Id + ")";
}

/// <summary>
/// One run of the setuid lane, shared by every test (they run one at a
/// time).  tests/setuid/lane built the test variant of lverun (a relative
/// LVE parent, a configuration path inside the private directory) and
/// installed it there setuid root; this fixture adds, each named after this
/// run:
///
///  - users: <see cref="Ordinary"/> and <see cref="Peer"/> (uid at least
///    min_uid), <see cref="Low"/> (below it, not trusted) and
///    <see cref="Web"/> (below it, the trusted caller), and a group of
///    Ordinary's beside its own;
///  - a cgroup of its own in every hierarchy liblve uses, which every run
///    joins first, so that the LVEs (relative parent) land beneath it and
///    never beside anyone else's;
///  - the configuration file, trusting Web.
///
/// Everything is written down in the private directory before it is made,
/// and removed on dispose, pass or fail; a run that was killed is cleaned
/// up by the next one (its lane process is gone).
/// </summary>
public sealed partial class SetuidHost : IDisposable
{
    public static string? Missing { get; } = FindMissing();

    private static string? FindMissing()
    {
        if (!Environment.IsPrivilegedProcess)
            return "needs root: it creates users and cgroups and installs lverun setuid root (CI runs it as root)";
        if (Environment.GetEnvironmentVariable("LVERUN_SETUID_DIR") is not { Length: > 0 })
            return "run by `make test-setuid` (tests/setuid/lane.mk), which builds and installs the setuid test copy";
        return null;
    }

    public SetuidHost()
    {
        Dir = Environment.GetEnvironmentVariable("LVERUN_SETUID_DIR")!;
        Binary = Path.Combine(Dir, "lverun");
        ConfigPath = Path.Combine(Dir, "lverun.conf");
        Parent = Environment.GetEnvironmentVariable("LVERUN_SETUID_PARENT")!;
        string tools = Environment.GetEnvironmentVariable("LVERUN_SETUID_TOOLS")!;
        Runas = Path.Combine(tools, "runas");
        Attack = Path.Combine(tools, "attack");
        Probe = Path.Combine(tools, "probe");
        Planted = Path.Combine(tools, "planted.so");
        PtyRun = Path.Combine(tools, "pty-run");
        RunId = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()[..5];

        CleanLeftovers();
        try
        {
            RunCgroups = MakeRunCgroups();
            Ordinary = AddUser("o", 56000, 59999, extraGroup: true);
            Peer = AddUser("p", 56000, 59999);
            Low = AddUser("l", 900, 999);
            Web = AddUser("w", 900, 999);
            Admin = AddUser("a", 56000, 59999, existingGroup: "adm");
            WriteConfig(DefaultConfig);
            Scratch = Path.Combine(Dir, "scratch");
            Directory.CreateDirectory(Scratch);
            File.SetUnixFileMode(Scratch, (UnixFileMode)0x3ff); // 01777, as /tmp
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The private, root-owned directory: lverun (4755), lverun.conf, the run's records.</summary>
    public string Dir { get; }

    public string Binary { get; }

    public string ConfigPath { get; }

    /// <summary>The LVE parent built into the test variant (relative: beneath the caller's cgroup).</summary>
    public string Parent { get; }

    public string Runas { get; }

    /// <summary>tests/setuid/attack: an account stops, slows or kills its own lverun at a state of lverun's.</summary>
    public string Attack { get; }

    public string Probe { get; }

    public string Planted { get; }

    /// <summary>tests/setuid/pty-run: a command on a new terminal that is its controlling one.</summary>
    public string PtyRun { get; }

    /// <summary>
    /// Whether root here may raise hard resource limits (CAP_SYS_RESOURCE in
    /// the bounding set; some containers' root lacks it), and so lverun,
    /// setuid root, may raise the limits it needs above a caller's hard ones.
    /// </summary>
    public static bool CanRaiseHardLimits { get; } =
        File.ReadAllLines("/proc/self/status").Where(l => l.StartsWith("CapBnd:", StringComparison.Ordinal))
            .Select(l => Convert.ToUInt64(l[7..].Trim(), 16)).Single() is var bounding && (bounding & (1UL << 24)) != 0;

    /// <summary>Five hex digits naming this run's users and cgroups.</summary>
    public string RunId { get; }

    /// <summary>A sticky world-writable directory inside <see cref="Dir"/>, for files the users write.</summary>
    public string Scratch { get; } = "";

    public Account Ordinary { get; } = null!;

    public Account Peer { get; } = null!;

    public Account Low { get; } = null!;

    public Account Web { get; } = null!;

    /// <summary>A hosting-range account that is also in adm, one of the default denied_groups (rule 23).</summary>
    public Account Admin { get; } = null!;

    /// <summary>This run's cgroup in each hierarchy liblve uses: controller -> directory.</summary>
    public IReadOnlyDictionary<string, string> RunCgroups { get; } = new Dictionary<string, string>();

    public string DefaultConfig => "# the setuid lane's configuration\ntrusted_callers = " + Web.Name + "\n";

    private const string Prefix = "/run/lverun-setuid.";
    private static readonly string[] Controllers = ["cpu", "cpuacct", "blkio", "memory", "pids"];

    /// <summary>A directory of <paramref name="user"/>'s own in <see cref="Scratch"/>, 0755, new for each call.</summary>
    public string UserDirectory(Account user, string name)
    {
        string dir = Path.Combine(Scratch, user.Name + "-" + name + "-" + (++directories).ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ed);
        Chown(dir, user);
        return dir;
    }

    private int directories;

    public static void Chown(string path, Account user)
    {
        ProcessResult r = Start("/bin/chown", ["-h", user.Id + ":" + user.Gid.ToString(CultureInfo.InvariantCulture), path]);
        if (r.ExitCode != 0)
            throw new InvalidOperationException("chown " + path + ": " + r.Stderr);
    }

    /// <summary>No configuration file: whatever stands at its path goes (a file, a link, a fifo, a directory).</summary>
    public void RemoveConfig()
    {
        if (Directory.Exists(ConfigPath) && !File.GetAttributes(ConfigPath).HasFlag(FileAttributes.ReparsePoint))
            Directory.Delete(ConfigPath, recursive: true);
        else
            File.Delete(ConfigPath);
    }

    /// <summary>Write the configuration: root-owned, 0644, unless the test wants otherwise.</summary>
    public void WriteConfig(string text)
    {
        RemoveConfig();
        File.WriteAllText(ConfigPath, text);
        File.SetUnixFileMode(ConfigPath, (UnixFileMode)0x1a4); // 0644
    }

    // ---- runs ----------------------------------------------------------

    /// <summary>The environment a run gets unless it says otherwise.</summary>
    public static readonly string[] DefaultEnvironment = ["PATH=/usr/bin:/bin", "HOME=/root", "LC_ALL=C"];

    /// <summary>
    /// lverun (or <paramref name="program"/>) started by runas as
    /// <paramref name="user"/> (null: root), having joined this run's
    /// cgroups, with <paramref name="runasOptions"/> before "--".
    /// </summary>
    public ProcessResult Run(Account? user, IEnumerable<string> args, IEnumerable<string>? runasOptions = null,
        IEnumerable<string>? environment = null, string? program = null, TimeSpan? timeout = null,
        Action<int>? started = null) =>
        Start(Runas, RunasArguments(user, args, runasOptions, environment, program), timeout, started);

    /// <summary>The arguments of runas for <see cref="Run"/>.</summary>
    public List<string> RunasArguments(Account? user, IEnumerable<string> args, IEnumerable<string>? runasOptions = null,
        IEnumerable<string>? environment = null, string? program = null)
    {
        var argv = new List<string>();
        if (user is not null)
            argv.AddRange(["--uid", user.Id, "--gid", user.Gid.ToString(CultureInfo.InvariantCulture),
                "--groups", string.Join(',', user.Groups)]);
        foreach (string dir in RunCgroups.Values.Distinct())
            argv.AddRange(["--cgroup", dir]);
        argv.Add("--env-clear");
        foreach (string entry in environment ?? DefaultEnvironment)
            argv.AddRange(["--env", entry]);
        argv.AddRange(runasOptions ?? []);
        argv.Add("--");
        argv.Add(program ?? Binary);
        argv.AddRange(args);
        return argv;
    }

    /// <summary>
    /// lverun started by tests/setuid/attack as <paramref name="user"/>, with
    /// <paramref name="action"/> done (by root with <paramref name="fromRoot"/>,
    /// else by the user) when lverun reaches <paramref name="state"/>; its
    /// output says "hit ..." or "miss ...", then "status ...".
    /// </summary>
    public ProcessResult AttackAs(Account user, string state, string action, IEnumerable<string> args, bool fromRoot = false,
        string? argv0 = null, IEnumerable<string>? environment = null, string? chdir = null, bool coreUnlimited = false)
    {
        var argv = new List<string>
        {
            "--uid", user.Id, "--gid", user.Gid.ToString(CultureInfo.InvariantCulture), "--groups", string.Join(',', user.Groups),
            "--lve", "/" + Parent + "/" + user.Id, "--target-uid", user.Id, "--state", state, "--action", action,
        };
        if (fromRoot)
            argv.Add("--from-root");
        foreach (string dir in RunCgroups.Values.Distinct())
            argv.AddRange(["--cgroup", dir]);
        if (argv0 is not null)
            argv.AddRange(["--argv0", argv0]);
        if (chdir is not null)
            argv.AddRange(["--chdir", chdir]);
        if (coreUnlimited)
            argv.Add("--core-unlimited");
        foreach (string e in environment ?? [])
            argv.AddRange(["--env", e]);
        argv.Add("--");
        argv.Add(Binary);
        argv.AddRange(args);
        return ChildProcess.Run(Attack, argv, new Dictionary<string, string?>(), TimeSpan.FromSeconds(90));
    }

    /// <summary>Any program, as root, with exact arguments.</summary>
    public static ProcessResult Start(string file, IEnumerable<string> args, TimeSpan? timeout = null, Action<int>? started = null) =>
        ChildProcess.Run(file, args, null, timeout, started);

    // ---- LVEs ----------------------------------------------------------

    /// <summary>LVE <paramref name="id"/>'s directory in hierarchy <paramref name="controller"/>.</summary>
    public string LveDirectory(string controller, uint id) =>
        Path.Combine(RunCgroups[controller], Parent, id.ToString(CultureInfo.InvariantCulture));

    /// <summary>Whether LVE <paramref name="id"/> exists in any hierarchy of this run.</summary>
    public bool LveExists(uint id) => RunCgroups.Keys.Any(c => Directory.Exists(LveDirectory(c, id)));

    /// <summary>Anything beneath this run's cgroups other than the LVE parent and the LVEs in it.</summary>
    public string[] StrayCgroups() =>
        RunCgroups.Values.Distinct()
            .SelectMany(dir => Directory.GetDirectories(dir, "*", SearchOption.AllDirectories)
                .Select(d => Path.GetRelativePath(dir, d)))
            .Where(rel => rel != Parent && !(rel.StartsWith(Parent + "/", StringComparison.Ordinal) &&
                uint.TryParse(rel[(Parent.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            .ToArray();

    /// <summary>Remove LVE <paramref name="id"/> (empty by now) from every hierarchy, so the next run starts without it.</summary>
    public void RemoveLve(uint id)
    {
        foreach (string controller in RunCgroups.Keys)
        {
            string dir = LveDirectory(controller, id);
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: false);
        }
    }

    /// <summary>Remove LVE <paramref name="id"/> unless a process is still in it.</summary>
    public void RemoveLveIfEmpty(uint id)
    {
        if (ProcsIn(id).Length == 0)
            RemoveLve(id);
    }

    /// <summary>
    /// The pids in LVE <paramref name="id"/>, in every hierarchy.  With
    /// <paramref name="entered"/> (the test knows lverun entered it) the
    /// LVE must exist in each: a wrong path is an error, never an empty
    /// list that passes for "nothing left".
    /// </summary>
    public string[] ProcsIn(uint id, bool entered = false) =>
        RunCgroups.Keys.Select(c => Path.Combine(LveDirectory(c, id), "cgroup.procs"))
            .Where(path => File.Exists(path) || (entered ? throw new FileNotFoundException("no such LVE cgroup: " + path) : false))
            .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Distinct().ToArray();

    /// <summary>The cgroup (as /proc/&lt;pid&gt;/cgroup shows it) LVE <paramref name="id"/> is in hierarchy <paramref name="controller"/>.</summary>
    public string LveCgroup(string controller, uint id) =>
        ownCgroups[controller].TrimEnd('/') + "/" + RunCgroupName + "/" + Parent + "/" + id.ToString(CultureInfo.InvariantCulture);

    private string RunCgroupName => "lverun-setuid-run-" + RunId;

    private readonly Dictionary<string, string> ownCgroups = new();

    /// <summary>controller -> the directory run cgroups are made in: this process's own cgroup in that hierarchy.</summary>
    private Dictionary<string, string> CgroupHomes()
    {
        if (ownCgroups.Count == 0)
        {
            foreach (string line in File.ReadAllLines("/proc/self/cgroup"))
            {
                string[] parts = line.Split(':', 3);
                foreach (string controller in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries))
                    ownCgroups[controller] = parts[2];
            }
        }
        var homes = new Dictionary<string, string>();
        foreach (string line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            int sep = line.IndexOf(" - ", StringComparison.Ordinal);
            string[] left = line[..sep].Split(' ');
            string[] right = line[(sep + 3)..].Split(' ');
            if (right[0] != "cgroup" || left[3] != "/")
                continue;
            foreach (string option in right[2].Split(','))
                if (Controllers.Contains(option) && ownCgroups.TryGetValue(option, out string? own))
                    homes[option] = left[4] + own.TrimEnd('/');
        }
        return homes;
    }

    private Dictionary<string, string> MakeRunCgroups()
    {
        var dirs = CgroupHomes().ToDictionary(kv => kv.Key, kv => kv.Value + "/" + RunCgroupName);
        if (!dirs.ContainsKey("cpu"))
            throw new InvalidOperationException("no cgroup v1 cpu hierarchy: this lane runs on the project's cgroup v1 machines (tests/vm covers v2)");
        Record("cgroups", dirs.Values.Distinct());
        foreach (string dir in dirs.Values.Distinct())
            Directory.CreateDirectory(dir);
        return dirs;
    }

    // ---- users ---------------------------------------------------------

    private Account AddUser(string role, uint from, uint to, bool extraGroup = false, string? existingGroup = null)
    {
        string name = "lvs" + RunId + role;
        string? group = extraGroup ? "lvs" + RunId + "x" : existingGroup;
        Record("users", [name]);
        if (extraGroup && group is not null)
        {
            Record("groups", [group]);
            Must("groupadd", [group]);
        }
        var taken = File.ReadAllLines("/etc/passwd").Select(l => l.Split(':')).Where(f => f.Length > 3)
            .Select(f => uint.Parse(f[2], CultureInfo.InvariantCulture)).ToHashSet();
        var takenGids = File.ReadAllLines("/etc/group").Select(l => l.Split(':')).Where(f => f.Length > 2)
            .Select(f => uint.Parse(f[2], CultureInfo.InvariantCulture)).ToHashSet();
        for (uint uid = from; uid <= to; uid++)
        {
            if (taken.Contains(uid) || takenGids.Contains(uid))
                continue;
            string id = uid.ToString(CultureInfo.InvariantCulture);
            // A group of its own with the uid's number, made first (useradd -U
            // would take any free gid); a number taken meanwhile by another
            // run: the next one.
            if (Start("/usr/sbin/groupadd", ["-g", id, name]).ExitCode != 0)
                continue;
            var args = new List<string> { "-M", "-N", "-u", id, "-g", name, "-d", "/home/" + name, "-s", "/bin/sh" };
            if (group is not null)
                args.AddRange(["-G", group]);
            args.Add(name);
            if (Start("/usr/sbin/useradd", args).ExitCode != 0)
            {
                Start("/usr/sbin/groupdel", [name]);
                continue;
            }
            uint[] groups = group is null ? [uid] : [uid, Gid(group)];
            return new Account(name, uid, uid, groups, "/home/" + name);
        }
        throw new InvalidOperationException("no free uid from " + from.ToString(CultureInfo.InvariantCulture) +
            " to " + to.ToString(CultureInfo.InvariantCulture));
    }

    private static uint Gid(string group) =>
        File.ReadAllLines("/etc/group").Select(l => l.Split(':')).Where(f => f[0] == group)
            .Select(f => uint.Parse(f[2], CultureInfo.InvariantCulture)).Single();

    private static void Must(string tool, string[] args)
    {
        ProcessResult r = Start("/usr/sbin/" + tool, args);
        if (r.ExitCode != 0)
            throw new InvalidOperationException(tool + " " + string.Join(' ', args) + ": " + r.Stderr);
    }

    // ---- records and cleanup ---------------------------------------------

    private void Record(string file, IEnumerable<string> lines) =>
        File.AppendAllLines(Path.Combine(Dir, file), lines);

    /// <summary>Remove what the runs recorded in <paramref name="dir"/> made: processes, cgroups, users, groups.</summary>
    private static void CleanUp(string dir)
    {
        string cgroups = Path.Combine(dir, "cgroups");
        if (File.Exists(cgroups))
        {
            foreach (string cg in File.ReadAllLines(cgroups))
                KillTree(cg);
            foreach (string cg in File.ReadAllLines(cgroups))
                RemoveTree(cg);
        }
        foreach (var (file, tool) in new[] { ("users", "userdel"), ("groups", "groupdel") })
        {
            string path = Path.Combine(dir, file);
            if (!File.Exists(path))
                continue;
            foreach (string name in File.ReadAllLines(path))
            {
                if (tool == "userdel")
                {
                    Start("/usr/sbin/userdel", [name]);
                    // the user group of its own, which -N did not tie to userdel
                    if (File.ReadAllLines("/etc/group").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal)))
                        Start("/usr/sbin/groupdel", [name]);
                }
                else
                {
                    Start("/usr/sbin/groupdel", [name]);
                }
            }
            File.Delete(path);
        }
        File.Delete(cgroups);
    }

    /// <summary>SIGKILL every process left in this run's cgroups: all of them are this run's own.</summary>
    private static void KillTree(string dir)
    {
        if (!Directory.Exists(dir))
            return;
        for (int round = 0; round < 50; round++)
        {
            var pids = Directory.GetFiles(dir, "cgroup.procs", SearchOption.AllDirectories)
                .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).ToArray();
            if (pids.Length == 0)
                return;
            foreach (string pid in pids)
                Start("/bin/kill", ["-KILL", pid]);
            System.Threading.Thread.Sleep(20);
        }
    }

    private static void RemoveTree(string dir)
    {
        if (!Directory.Exists(dir))
            return;
        foreach (string child in Directory.GetDirectories(dir))
            RemoveTree(child);
        try
        {
            Directory.Delete(dir, recursive: false);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Private directories of earlier runs whose lane process is gone (a
    /// run killed before it could clean up): remove what they made.
    /// </summary>
    private void CleanLeftovers()
    {
        string[] runs = Directory.GetDirectories("/run").Where(d => d.StartsWith(Prefix, StringComparison.Ordinal)).ToArray();
        foreach (string dir in runs)
        {
            if (dir == Dir || OwnerAlive(dir))
                continue;
            CleanUp(dir);
            Directory.Delete(dir, recursive: true);
        }

        // Whatever no live run has written down is a leftover of one whose
        // records went too.  Everything is written down before it is made,
        // so what exists now was written down by now: look first, then read
        // the records (a run that starts meanwhile is not touched).
        string[] users = Names("/etc/passwd").Where(n => OurName().IsMatch(n)).ToArray();
        string[] groups = Names("/etc/group").Where(n => OurName().IsMatch(n)).ToArray();
        string[] cgroups = CgroupHomes().Values.Distinct().Where(Directory.Exists)
            .SelectMany(home => Directory.GetDirectories(home, "lverun-setuid-run-*")).ToArray();
        var claimed = new HashSet<string>();
        foreach (string dir in Directory.GetDirectories("/run").Where(d => d.StartsWith(Prefix, StringComparison.Ordinal)))
            foreach (string file in new[] { "users", "groups", "cgroups" })
                if (File.Exists(Path.Combine(dir, file)))
                    claimed.UnionWith(File.ReadAllLines(Path.Combine(dir, file)));
        foreach (string user in users.Where(n => !claimed.Contains(n)))
            Start("/usr/sbin/userdel", [user]);
        foreach (string group in groups.Where(n => !claimed.Contains(n)))
            Start("/usr/sbin/groupdel", [group]);
        foreach (string cg in cgroups.Where(d => !claimed.Contains(d)))
        {
            KillTree(cg);
            RemoveTree(cg);
        }
    }

    private static IEnumerable<string> Names(string database) =>
        File.ReadAllLines(database).Select(l => l.Split(':')[0]);

    [System.Text.RegularExpressions.GeneratedRegex("^lvs[0-9a-f]{5}[a-z]$")]
    private static partial System.Text.RegularExpressions.Regex OurName();

    /// <summary>The "owner" file holds the lane's pid and start time (field 22 of /proc/pid/stat).</summary>
    private static bool OwnerAlive(string dir)
    {
        string owner = Path.Combine(dir, "owner");
        if (!File.Exists(owner))
            return Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddHours(-1);
        string[] fields = File.ReadAllText(owner).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 2)
            return false;
        string stat = "/proc/" + fields[0] + "/stat";
        if (!File.Exists(stat))
            return false;
        string text = File.ReadAllText(stat);
        string[] after = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return after.Length > 19 && after[19] == fields[1];
    }

    public void Dispose() => CleanUp(Dir);
}

/// <summary>The tests share one host and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SetuidCollection : ICollectionFixture<SetuidHost>
{
    public const string Name = "setuid";
}

public sealed class SetuidFactAttribute : FactAttribute
{
    public SetuidFactAttribute() => Skip = SetuidHost.Missing;
}

public sealed class SetuidTheoryAttribute : TheoryAttribute
{
    public SetuidTheoryAttribute() => Skip = SetuidHost.Missing;
}

/// <summary>A fact that needs a root with CAP_SYS_RESOURCE: skipped, saying so, where root lacks it (tests/vm runs it).</summary>
public sealed class HardLimitsFactAttribute : FactAttribute
{
    public HardLimitsFactAttribute() => Skip = SetuidHost.Missing ?? (SetuidHost.CanRaiseHardLimits ? null
        : Skips.MachineKind + "root here lacks CAP_SYS_RESOURCE (bit 24 of its bounding set), so lverun cannot raise a " +
          "caller's hard limits for itself; tests/vm/lverun-checks.sh checks this as root with the capability");
}
