// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Globalization;
using FluentAssertions;
using Lve.Tests.Support;
using Xunit;

namespace Lve.Tests;

/// <summary>
/// The start-up settings baked into the binary (src/LveRun/Startup.props)
/// make the runtime skip what it would look up at every start; they must
/// never make lverun fail where it worked.  GCTotalPhysicalMemory sets a
/// heap hard limit (75% of it): the largest argv the kernel lets through
/// must still reach the command.
/// </summary>
[Collection(CgroupCollection.Name)]
public sealed class StartupSettingsTests(TestCgroups cgroups)
{
    /// <summary>
    /// With an unlimited stack the kernel takes up to 6 MiB of argument
    /// strings (3/4 of _STK_LIM) plus their pointers: a shell that raised
    /// its limit builds such an argv itself, 360,000 arguments, and execs
    /// lverun with it; lverun gives the command its caller's limits back,
    /// so the command gets them all.
    /// </summary>
    [BinaryFact]
    public void The_largest_argv_the_kernel_takes_reaches_the_command()
    {
        const int count = 360_000;
        string id = cgroups.Use(4201).ToString(CultureInfo.InvariantCulture);
        ProcessResult r = LverunProcess.Start("/bin/sh",
            ["-c", "ulimit -s unlimited && exec \"$0\" \"$1\" /bin/sh -c 'echo $# ${#1} ${360000}' sh $(seq 100001 460000)",
                LverunProcess.Binary, id],
            new Dictionary<string, string?> { ["LIBLVE_CGROUP_PARENT"] = cgroups.Parent });
        r.ExitCode.Should().Be(0, r.Stderr);
        r.Stdout.Should().Be(count.ToString(CultureInfo.InvariantCulture) + " 6 460000\n");
    }

    /// <summary>Few but long arguments: 15 of 128 KiB - 1 each (MAX_ARG_STRLEN), near 2 MiB.</summary>
    [BinaryFact]
    public void Long_arguments_reach_the_command()
    {
        string id = cgroups.Use(4201).ToString(CultureInfo.InvariantCulture);
        ProcessResult r = LverunProcess.Start("/bin/sh",
            ["-c", "a=$(head -c 131071 /dev/zero | tr '\\0' x); exec \"$0\" \"$1\" /bin/sh -c 'echo $# ${#15}' sh " +
                "\"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\" \"$a\"",
                LverunProcess.Binary, id],
            new Dictionary<string, string?> { ["LIBLVE_CGROUP_PARENT"] = cgroups.Parent });
        r.ExitCode.Should().Be(0, r.Stderr);
        r.Stdout.Should().Be("15 131071\n");
    }
}
