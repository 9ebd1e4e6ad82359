// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;
using FluentAssertions;
using Lve.Interop;
using Lve.Tests.Support;
using Xunit;

namespace Lve.Tests;

/// <summary>
/// The managed API over the real liblve.so on this machine's cgroups, in a
/// tree beneath the test's own cgroups.  These move the test process itself
/// into LVEs and out again.
/// </summary>
[Collection(CgroupCollection.Name)]
public class LveApiTests(TestCgroups cgroups)
{
    private static string OwnCpu() => TestCgroups.OwnCgroup("cpu");

    [RootFact]
    public void The_host_can_run_LVEs() => LveHost.IsAvailable().Should().BeTrue();

    [RootFact]
    public void Create_setup_destroy()
    {
        uint id = cgroups.Use(3001);
        LveHost.Create(id);
        LveHost.Create(id); // idempotent
        string cpuDir = TestCgroups.Directory("cpu", cgroups.LveCgroup("cpu", id));
        Directory.Exists(cpuDir).Should().BeTrue();
        File.ReadAllText(Path.Combine(cpuDir, "cpu.cfs_quota_us")).Trim().Should().Be("100000", "the default is one core");

        LveHost.Setup(id, 25, null);
        File.ReadAllText(Path.Combine(cpuDir, "cpu.cfs_quota_us")).Trim().Should().Be("25000");
        LveHost.Setup(id, null, 500);
        File.ReadAllText(Path.Combine(cpuDir, "cpu.cfs_quota_us")).Trim().Should().Be("25000", "null leaves the cpu limit");

        LveHost.Destroy(id);
        Directory.Exists(cpuDir).Should().BeFalse();
    }

    private const int EINVAL = 22, ENOENT = 2; // Linux's numbers, not the ones under test

    /// <summary>Each call, its message, and the one errno the contract (lve-ctl.h) names for it.</summary>
    public static TheoryData<Action, string, int> Errors => new()
    {
        { () => LveHost.Create(0), "lve_create(0): Invalid argument", EINVAL },
        { () => LveHost.Create(2147483648), "lve_create(2147483648): Invalid argument", EINVAL },
        { () => LveHost.Destroy(3999), "lve_destroy(3999): No such file or directory", ENOENT },
        { () => LveHost.Setup(3999, 10, null), "lve_setup(3999, 10, -1): No such file or directory", ENOENT },
        { () => LveHost.Setup(1, 100001, null), "lve_setup(1, 100001, -1): Invalid argument", EINVAL },
        { () => LveHost.SetDefault(100, 0), "lve_set_default(100, 0): Invalid argument", EINVAL },
    };

    [RootFact]
    public void Errors_carry_the_call_and_errno()
    {
        foreach (var (call, message, errno) in Errors.Select(row => ((Action)row[0], (string)row[1], (int)row[2])))
        {
            NativeCallException e = call.Should().Throw<NativeCallException>().Which;
            e.Message.Should().Be(message);
            e.Errno.Should().Be(errno, message);
            e.Call.Should().Be(message[..message.IndexOf(':', StringComparison.Ordinal)]);
        }
    }

    [RootFact]
    public void Enter_nested_enter_leave()
    {
        uint id = cgroups.Use(3002);
        string before = File.ReadAllText("/proc/self/cgroup");
        using var lve = new LveInstance();
        LveCookie cookie = lve.Enter(id);
        try
        {
            cookie.LveId.Should().Be(id);
            var inside = TestCgroups.OwnCgroups();
            foreach (string controller in new[] { "cpu", "cpuacct", "blkio", "memory", "pids" })
                inside[controller].Should().EndWith("/" + cgroups.Parent + "/3002", controller);

            using var second = new LveInstance();
            Action nested = () => second.Enter(3003);
            nested.Should().Throw<NativeCallException>().Which.Message.Should().Be("lve_enter(3003): Operation not permitted");
        }
        finally
        {
            lve.Leave(cookie);
        }
        File.ReadAllText("/proc/self/cgroup").Should().Be(before, "lve_leave restores exactly the cgroups before lve_enter");

        Action again = () => lve.Leave(cookie);
        again.Should().Throw<NativeCallException>().Which.Errno.Should().Be(Errno.ESRCH);
        LveHost.Destroy(id);
    }

    [RootFact]
    public void An_instance_is_released_once_and_refuses_use_afterwards()
    {
        var lve = new LveInstance();
        lve.IsInvalid.Should().BeFalse();
        lve.Dispose();
        lve.Dispose();
        lve.IsClosed.Should().BeTrue();
        Action enter = () => lve.Enter(3004);
        enter.Should().Throw<ObjectDisposedException>();
    }

    [RootFact]
    public void Many_instances_come_and_go()
    {
        for (int i = 0; i < 200; i++)
        {
            using var lve = new LveInstance();
            lve.IsInvalid.Should().BeFalse();
        }
        OwnCpu().Should().NotContain(cgroups.Parent, "creating instances enters nothing");
    }
}
