// SPDX-License-Identifier: MIT
using System;
using System.IO;
using Xunit;

namespace Lve.Tests.Support;

/// <summary>
/// What a test needs from the machine, and the skip message when it is not
/// there.  CI runs as root on cgroup v1, so there every test runs.
/// </summary>
internal static class Requirements
{
    internal static string? MissingRootAndCgroups()
    {
        if (!Environment.IsPrivilegedProcess)
            return "needs root: it enters LVEs on this machine's real cgroups (CI runs it as root)";
        if (!File.Exists("/proc/self/cgroup") || !Directory.Exists("/sys/fs/cgroup"))
            return "needs a cgroup filesystem under /sys/fs/cgroup";
        return null;
    }

    internal static string? MissingBinary()
    {
        if (MissingRootAndCgroups() is { } missing)
            return missing;
        return File.Exists(LverunProcess.Binary) ? null
            : "needs the published lverun at " + LverunProcess.Binary + " (run `make test-managed`, which builds it)";
    }

    internal static string? MissingStrace() =>
        MissingBinary() ?? (File.Exists("/usr/bin/strace") ? null : "needs strace (make deps installs it)");
}

/// <summary>A fact that needs root and cgroups.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute() => Skip = Requirements.MissingRootAndCgroups();
}

/// <summary>A fact that runs the published lverun as root.</summary>
public sealed class BinaryFactAttribute : FactAttribute
{
    public BinaryFactAttribute() => Skip = Requirements.MissingBinary();
}

/// <summary>A theory that runs the published lverun as root.</summary>
public sealed class BinaryTheoryAttribute : TheoryAttribute
{
    public BinaryTheoryAttribute() => Skip = Requirements.MissingBinary();
}

/// <summary>A fact that runs the published lverun under strace as root.</summary>
public sealed class StraceFactAttribute : FactAttribute
{
    public StraceFactAttribute() => Skip = Requirements.MissingStrace();
}
