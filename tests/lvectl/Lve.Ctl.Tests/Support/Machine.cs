// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Lve.Ctl.Tests.Support;

/// <summary>
/// What these tests need from the machine.  Nothing skips: where root,
/// cgroups or the built binaries are missing, the test fails and says why
/// (CI runs `make test` as root on a cgroup v1 host).
/// </summary>
public static partial class Machine
{
    /// <summary>$(BUILD)/lvectl, as make test-lvectl passes it.</summary>
    public static string Lvectl { get; } = Binary("LVECTL_BINARY", "lvectl");

    /// <summary>$(BUILD)/lverun.</summary>
    public static string Lverun { get; } = Binary("LVERUN_BINARY", "lverun");

    private static string Binary(string variable, string name) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path ? path
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../" + name));

    /// <summary>Fail unless the test runs as root.</summary>
    public static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
            throw new InvalidOperationException("this test needs root (CI runs make test as root): it cannot run here, so it fails");
    }

    /// <summary>Fail unless root, a cgroup v1 host and the binaries are here.</summary>
    public static void RequireCgroupsAndBinaries()
    {
        RequireRoot();
        if (!File.Exists("/proc/self/cgroup") || !Directory.Exists("/sys/fs/cgroup"))
            throw new InvalidOperationException("this test needs cgroups under /sys/fs/cgroup");
        foreach (string binary in new[] { Lvectl, Lverun })
            if (!File.Exists(binary))
                throw new InvalidOperationException("this test needs " + binary + " (make test-lvectl builds it)");
    }

    /// <summary>A private directory under /tmp (0700 root), removed by the caller.</summary>
    public static string TempDirectory(string tag) =>
        Directory.CreateTempSubdirectory("lvectl-test-" + tag + "-").FullName;

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chown(string path, uint uid, uint gid);
}
