// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Lve.Interop;
using Xunit;

namespace Lve.Tests.Support;

/// <summary>
/// The LVE tree of one test run: a relative parent, unique to the run,
/// beneath this process's own cgroup in every hierarchy (never the host's
/// /lve).  liblve in this process and every lverun the tests start use it
/// through LIBLVE_CGROUP_PARENT.  On dispose, pass or fail, every LVE the
/// tests used is destroyed and the parent is removed in every hierarchy.
/// </summary>
public sealed partial class TestCgroups : IDisposable
{
    public TestCgroups()
    {
        Parent = "lverun-test-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        // liblve reads the C environment; Environment.SetEnvironmentVariable
        // only changes the runtime's copy.
        if (setenv("LIBLVE_CGROUP_PARENT", Parent, 1) != 0)
            throw new InvalidOperationException("setenv failed");
    }

    /// <summary>The relative LVE parent of this run.</summary>
    public string Parent { get; }

    private readonly HashSet<uint> used = [];

    /// <summary>Note that <paramref name="id"/> is used, so that dispose destroys it.</summary>
    public uint Use(uint id)
    {
        lock (used)
            used.Add(id);
        return id;
    }

    /// <summary>This process's own cgroup in hierarchy <paramref name="controller"/> (v1), from /proc/self/cgroup.</summary>
    public static string OwnCgroup(string controller) => OwnCgroups()[controller];

    /// <summary>controller (or "" for cgroup2, "name=x" for named v1 hierarchies) -> own cgroup path.</summary>
    public static Dictionary<string, string> OwnCgroups(string procCgroup = "/proc/self/cgroup")
    {
        var result = new Dictionary<string, string>();
        foreach (string line in File.ReadAllLines(procCgroup))
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            if (parts[1].Length == 0)
                result[""] = parts[2];
            foreach (string controller in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries))
                result[controller] = parts[2];
        }
        return result;
    }

    /// <summary>The LVE's cgroup path (as /proc/self/cgroup shows it) in hierarchy <paramref name="controller"/>.</summary>
    public string LveCgroup(string controller, uint id)
    {
        string own = OwnCgroup(controller);
        return (own == "/" ? "" : own) + "/" + Parent + "/" + id.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The directory of <paramref name="cgroup"/> in v1 hierarchy <paramref name="controller"/>.</summary>
    public static string Directory(string controller, string cgroup) =>
        MountPoint(controller) + (cgroup == "/" ? "" : cgroup);

    private static string MountPoint(string controller)
    {
        foreach (string line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            var mount = Mount.Parse(line);
            if (mount is { FsType: "cgroup" } && mount.Options.Contains(controller) && mount.Root == "/")
                return mount.Point;
        }
        throw new InvalidOperationException("no cgroup mount for " + controller);
    }

    private sealed record Mount(string Root, string Point, string FsType, string[] Options)
    {
        internal static Mount? Parse(string line)
        {
            int sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0)
                return null;
            string[] left = line[..sep].Split(' ');
            string[] right = line[(sep + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3)
                return null;
            return new Mount(Unescape(left[3]), Unescape(left[4]), right[0], right[2].Split(','));
        }

        private static string Unescape(string text) =>
            text.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
                .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
    }

    /// <summary>
    /// &lt;mount&gt;/&lt;own cgroup&gt;/&lt;parent&gt; in every cgroup hierarchy of this
    /// process, whether or not it exists.
    /// </summary>
    public IEnumerable<string> ParentDirectories()
    {
        var own = OwnCgroups();
        foreach (string line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            var mount = Mount.Parse(line);
            string? cgroup = mount?.FsType switch
            {
                "cgroup2" => own.GetValueOrDefault(""),
                "cgroup" => mount.Options.Select(o => own.GetValueOrDefault(o)).FirstOrDefault(c => c != null),
                _ => null,
            };
            if (mount == null || cgroup == null)
                continue;
            string relative = mount.Root != "/" && cgroup.StartsWith(mount.Root, StringComparison.Ordinal)
                ? cgroup[mount.Root.Length..] : cgroup;
            yield return mount.Point + (relative == "/" ? "" : relative) + "/" + Parent;
        }
    }

    public void Dispose()
    {
        lock (used)
        {
            foreach (uint id in used)
            {
                try
                {
                    LveHost.Destroy(id);
                }
                catch (NativeCallException e) when (e.Errno == Errno.ENOENT)
                {
                }
                catch (NativeCallException)
                {
                    // removed below if it can be at all; a busy LVE stays,
                    // and the check of a test that left one says so
                }
            }
        }
        foreach (string directory in ParentDirectories())
            RemoveTree(directory);
    }

    /// <summary>rmdir bottom-up: cgroupfs directories go with rmdir alone, control files and all.</summary>
    private static void RemoveTree(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            return;
        foreach (string child in System.IO.Directory.GetDirectories(directory))
            RemoveTree(child);
        try
        {
            System.IO.Directory.Delete(directory, recursive: false);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}

/// <summary>The tests that touch cgroups share one tree and never run in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CgroupCollection : ICollectionFixture<TestCgroups>
{
    public const string Name = "cgroups";
}
