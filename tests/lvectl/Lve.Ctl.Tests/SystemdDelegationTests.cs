// SPDX-License-Identifier: MIT
using System;
using System.IO;
using FluentAssertions;
using Lve.Ctl.Tests.Support;
using LveCtl;
using Xunit;

namespace Lve.Ctl.Tests;

/// <summary>
/// lve.service's delegated subtree on a cgroup v2 host run by systemd: found
/// from /proc's text, and made ready on a fake tree (the real one runs in
/// the systemd VM lane, tests/vm-systemd).
/// </summary>
public sealed class SystemdDelegationTests : IDisposable
{
    private const string PureV2 =
        "24 1 8:1 / / rw - ext4 /dev/vda rw\n35 24 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";

    private const string V1 =
        "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";

    private readonly string dir = Machine.TempDirectory("systemd");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("0::/system.slice/lve.service/.control\n", "/system.slice/lve.service")]
    [InlineData("0::/system.slice/lve.service\n", "/system.slice/lve.service")]
    public void The_unit_is_found_from_its_control_cgroup(string procCgroup, string unit)
    {
        SystemdDelegation? d = SystemdDelegation.Detect(PureV2, procCgroup, systemd: true,
            path => path == "/sys/fs/cgroup" + unit ? "1" : null);
        d.Should().NotBeNull();
        d!.Cgroup.Should().Be(unit);
        d.Directory.Should().Be("/sys/fs/cgroup" + unit);
        d.Parent.Should().Be(unit + "/lve");
    }

    [Fact]
    public void Not_delegated_not_systemd_or_v1_is_none()
    {
        const string own = "0::/system.slice/lve.service/.control\n";
        SystemdDelegation.Detect(PureV2, own, systemd: true, _ => null).Should().BeNull("systemd did not delegate it");
        SystemdDelegation.Detect(PureV2, own, systemd: false, _ => "1").Should().BeNull("systemd does not run the host");
        SystemdDelegation.Detect(V1, "1:cpu:/\n" + own, systemd: true, _ => "1").Should().BeNull("LVEs use the v1 hierarchies");
        SystemdDelegation.Detect(PureV2, "0::/\n", systemd: true, _ => "1").Should().BeNull("the root is no unit");
    }

    [Fact]
    public void Prepare_moves_the_units_processes_and_enables_the_controllers()
    {
        // a fake unit cgroup: plain files stand for the kernel's
        string unit = Path.Combine(dir, "lve.service");
        Directory.CreateDirectory(unit);
        File.WriteAllText(Path.Combine(unit, "cgroup.procs"), "412\n");
        File.WriteAllText(Path.Combine(unit, "cgroup.controllers"), "cpuset cpu io memory pids\n");
        File.WriteAllText(Path.Combine(unit, "cgroup.subtree_control"), "memory\n");
        SystemdDelegation d = SystemdDelegation.Detect(
            "35 24 0:30 / " + dir + " rw - cgroup2 cgroup2 rw\n", "0::/lve.service/.control\n", true, _ => "1")!;
        d.Directory.Should().Be(unit);
        d.Prepare().Should().Equal("made " + unit + "/supervisor", "moved process 412 into " + unit + "/supervisor",
            "enabled cpu pids io beneath " + unit);
        File.ReadAllText(Path.Combine(unit, "supervisor", "cgroup.procs")).Should().Be("412");
        File.ReadAllText(Path.Combine(unit, "cgroup.subtree_control")).Should().Be("+cpu +pids +io");
    }

    [Fact]
    public void The_parent_is_written_after_its_commented_out_example_or_before_the_sections()
    {
        const string shipped = "# head\n#parent = /lve\n\n[default]\n#pmem = 1G\n";
        ConfigDocument.Parse(shipped).WithParent("/system.slice/lve.service/lve", "# by lvectl").Text
            .Should().Be("# head\n#parent = /lve\n# by lvectl\nparent = /system.slice/lve.service/lve\n\n[default]\n#pmem = 1G\n");
        ConfigDocument.Parse("# head\n\n# all\n[default]\n").WithParent("/u/lve", "# c").Text
            .Should().Be("# head\n\n# c\nparent = /u/lve\n\n# all\n[default]\n");
        ConfigDocument.Parse("parent = /lve # mine\n").WithParent("/u/lve", "# c").Text.Should().Be("parent = /u/lve # mine\n");
        ConfigDocument.Parse("# only comments\n").WithParent("/u/lve", "# c").Text.Should().Be("# only comments\n# c\nparent = /u/lve\n");
        ConfigDocument.Empty.WithParent("/u/lve", "# c").Parent.Should().Be("/u/lve");
    }
}
