// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Xunit;

namespace Lve.Ctl.Tests.Support;

/// <summary>
/// The LVE tree and configuration of one test run: a relative parent unique
/// to the run (LIBLVE_CGROUP_PARENT), so every LVE lies beneath this test
/// process's own cgroup in each hierarchy, never the host's /lve; and a
/// configuration file in a private temporary directory.  On dispose, pass
/// or fail: every LVE is destroyed, the parent removed in every hierarchy,
/// the directory deleted.
/// </summary>
public sealed class LveTree : IDisposable
{
    public LveTree()
    {
        Parent = "lvectl-test-" + System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Directory = Machine.TempDirectory("conf");
        Config = Path.Combine(Directory, "lve.conf");
    }

    /// <summary>The relative LVE parent of this run.</summary>
    public string Parent { get; }

    /// <summary>The configuration's directory (0700, root's).</summary>
    public string Directory { get; }

    /// <summary>The configuration of this run: --config for every lvectl.</summary>
    public string Config { get; }

    /// <summary>The environment every lvectl and lverun of the run gets.</summary>
    public Dictionary<string, string?> Environment => new()
    {
        ["LIBLVE_CGROUP_PARENT"] = Parent,
        ["LIBLVE_CONF"] = Config,
        ["LC_ALL"] = "C",
    };

    /// <summary>lvectl --config CONFIG ARGS.</summary>
    public ProcessResult Lvectl(params string[] args) =>
        ChildProcess.Run(Machine.Lvectl, new[] { "--config", Config }.Concat(args), Environment, TimeSpan.FromSeconds(120));

    /// <summary>lvectl ARGS with no --config (LIBLVE_CONF names the file).</summary>
    public ProcessResult LvectlBare(params string[] args) =>
        ChildProcess.Run(Machine.Lvectl, args, Environment, TimeSpan.FromSeconds(120));

    /// <summary>lverun ARGS in this run's tree.</summary>
    public ProcessResult Lverun(params string[] args) =>
        ChildProcess.Run(Machine.Lverun, args, Environment, TimeSpan.FromSeconds(120));

    /// <summary>Write the configuration (root-owned, 0644).</summary>
    public void WriteConfig(string text)
    {
        File.WriteAllText(Config, text);
        File.SetUnixFileMode(Config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>The directory of LVE <paramref name="id"/> in the v1 hierarchy of <paramref name="controller"/>.</summary>
    public string LveDirectory(string controller, uint id) =>
        Path.Combine(ParentDirectory(controller), id.ToString(CultureInfo.InvariantCulture));

    /// <summary>&lt;mount&gt;/&lt;own cgroup&gt;/&lt;parent&gt; in the v1 hierarchy of <paramref name="controller"/>.</summary>
    public string ParentDirectory(string controller)
    {
        var (mount, root) = Mounts().First(m => m.Controllers.Contains(controller)) is var m ? (m.Point, m.Root) : default;
        string own = OwnCgroups()[controller];
        string relative = root != "/" && own.StartsWith(root, StringComparison.Ordinal) ? own[root.Length..] : own;
        return mount + (relative == "/" ? "" : relative) + "/" + Parent;
    }

    /// <summary>The parent directory in every hierarchy liblve uses.</summary>
    public IEnumerable<string> ParentDirectories() =>
        new[] { "cpu", "cpuacct", "memory", "blkio", "pids" }.Where(c => Mounts().Any(m => m.Controllers.Contains(c)))
            .Select(ParentDirectory).Distinct();

    /// <summary>The ids of the LVE directories beneath the parent in the cpu hierarchy.</summary>
    public IEnumerable<uint> LveDirectories() =>
        System.IO.Directory.Exists(ParentDirectory("cpu"))
            ? System.IO.Directory.GetDirectories(ParentDirectory("cpu")).Select(Path.GetFileName)
                .Where(n => n!.All(char.IsAsciiDigit)).Select(n => uint.Parse(n!, CultureInfo.InvariantCulture)).Order()
            : [];

    /// <summary>The value of control file <paramref name="file"/> of LVE <paramref name="id"/>, trimmed.</summary>
    public string Knob(string controller, uint id, string file) =>
        File.ReadAllText(Path.Combine(LveDirectory(controller, id), file)).Trim();

    /// <summary>Remove the tree: every LVE (none is busy when the tests are done) and the parent in every hierarchy.</summary>
    public void RemoveTree()
    {
        ChildProcess.Run(Machine.Lvectl, ["--config", Config, "destroy", "--all"], Environment, TimeSpan.FromSeconds(120));
        foreach (string directory in ParentDirectories())
            RemoveDirectories(directory);
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(Machine.Lvectl))
                RemoveTree();
            else
                foreach (string directory in ParentDirectories())
                    RemoveDirectories(directory);
        }
        finally
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>rmdir bottom-up: cgroupfs directories go with rmdir alone.</summary>
    private static void RemoveDirectories(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            return;
        foreach (string child in System.IO.Directory.GetDirectories(directory))
            RemoveDirectories(child);
        try
        {
            System.IO.Directory.Delete(directory, recursive: false);
        }
        catch (IOException)
        {
        }
    }

    public sealed record Mount(string Root, string Point, string[] Controllers);

    public static IEnumerable<Mount> Mounts()
    {
        foreach (string line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            int sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0)
                continue;
            string[] left = line[..sep].Split(' ');
            string[] right = line[(sep + 3)..].Split(' ');
            if (left.Length >= 5 && right.Length >= 3 && right[0] == "cgroup")
                yield return new Mount(left[3], left[4], right[2].Split(','));
        }
    }

    public static Dictionary<string, string> OwnCgroups()
    {
        var result = new Dictionary<string, string>();
        foreach (string line in File.ReadAllLines("/proc/self/cgroup"))
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length == 3)
                foreach (string c in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries))
                    result[c] = parts[2];
        }
        return result;
    }
}

/// <summary>The tests on real cgroups share one tree per run and never run side by side.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LveTreeCollection : ICollectionFixture<LveTree>
{
    public const string Name = "lve tree";
}
