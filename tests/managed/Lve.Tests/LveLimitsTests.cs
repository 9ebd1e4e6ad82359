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
/// The managed model of the limits, which takes the table from liblve, and
/// the admin calls over a real LVE beneath the test's own cgroups.
/// </summary>
[Collection(CgroupCollection.Name)]
public class LveLimitsTests(TestCgroups cgroups)
{
    /// <summary>The table as lve-ctl.h documents it: names, units and "no limit".</summary>
    public static TheoryData<string, LveUnit, bool> Table => new()
    {
        { "speed", LveUnit.Percent, true },
        { "io_weight", LveUnit.Weight, false },
        { "pmem", LveUnit.Bytes, true },
        { "nproc", LveUnit.Count, true },
        { "ep", LveUnit.Count, true },
        { "io", LveUnit.BytesPerSecond, true },
        { "iops", LveUnit.OperationsPerSecond, true },
    };

    [Fact]
    public void The_table_comes_from_liblve_in_its_order()
    {
        LveLimit.All.Select(l => l.Name).Should().Equal(Table.Select(row => (string)row[0]));
        foreach (var (name, unit, zero) in Table.Select(row => ((string)row[0], (LveUnit)row[1], (bool)row[2])))
        {
            LveLimit limit = LveLimit.Named(name);
            limit.Unit.Should().Be(unit, name);
            limit.ZeroIsUnlimited.Should().Be(zero, name);
            limit.Accepts(0).Should().Be(zero, name);
            limit.Accepts(limit.Max).Should().BeTrue(name);
            limit.Accepts(limit.Max + 1).Should().BeFalse(name);
        }
        LveLimit.Find("vmem").Should().BeNull("VMEM is not offered");
        LveLimit.Named("speed").Builtin.Should().Be(100);
        LveLimit.Named("io_weight").V1Knob.Should().Be("blkio.bfq.weight");
        LveLimit.Named("ep").V1Knob.Should().BeEmpty("ep is liblve's own");
    }

    [Fact]
    public void Limits_are_values_for_some_of_the_table()
    {
        LveLimit pmem = LveLimit.Named("pmem"), ep = LveLimit.Named("ep");
        LveLimits a = LveLimits.None.With(pmem, 1UL << 30);
        a.Has(pmem).Should().BeTrue();
        a.Has(ep).Should().BeFalse();
        a[pmem].Should().Be(1UL << 30);
        a[ep].Should().BeNull();
        a.Mask.Should().Be(1u << pmem.Id);
        a.ToString().Should().Be("pmem=1073741824");

        LveLimits b = LveLimits.None.With(ep, 20).With(pmem, 5UL << 20);
        a.Overlay(b).Should().Be(LveLimits.None.With(pmem, 5UL << 20).With(ep, 20));
        b.Without(pmem).Should().Be(LveLimits.None.With(ep, 20));
        LveLimits.None.Set().Should().BeEmpty();

        Action tooBig = () => LveLimits.None.With(LveLimit.Named("speed"), 100001);
        tooBig.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*speed takes 1..100000 or 0 (no limit)*");
        Action noWeight = () => LveLimits.None.With(LveLimit.Named("io_weight"), 0);
        noWeight.Should().Throw<ArgumentOutOfRangeException>();
    }

    [RootFact]
    public void Set_get_list_and_usage_of_a_real_LVE()
    {
        uint id = cgroups.Use(3101);
        LveLimit pmem = LveLimit.Named("pmem"), nproc = LveLimit.Named("nproc"), ep = LveLimit.Named("ep");
        using var lve = new LveInstance();

        // made with these limits from the first instant
        lve.SetLimits(id, LveLimits.None.With(pmem, 256UL << 20).With(nproc, 50).With(ep, 7));
        string memory = TestCgroups.Directory("memory", cgroups.LveCgroup("memory", id));
        File.ReadAllText(Path.Combine(memory, "memory.limit_in_bytes")).Trim().Should().Be("268435456");
        File.ReadAllText(Path.Combine(TestCgroups.Directory("pids", cgroups.LveCgroup("pids", id)), "pids.max"))
            .Trim().Should().Be("50");

        LveLimitsApplied applied = lve.GetLimits(id);
        applied.Limits[pmem].Should().Be(256UL << 20);
        applied.Limits[ep].Should().Be(7);
        applied.Limits[LveLimit.Named("speed")].Should().Be(100, "the rest come from the defaults");
        foreach (LveLimit limit in LveLimit.All)
            applied.Limits.Has(limit).Should().BeTrue("every limit is read back");

        lve.List().Should().Contain(id);
        LveUsage usage = lve.Usage(id);
        usage.Nproc.Should().Be(0);
        usage.Ep.Should().Be(0);
        usage.FaultEp.Should().Be(0);
        usage.CpuNanoseconds.Should().NotBeNull();

        Action missing = () => lve.Usage(3199);
        missing.Should().Throw<NativeCallException>().Which.Errno.Should().Be(Errno.ENOENT);
        LveHost.Destroy(id);
        lve.List().Should().NotContain(id);
    }
}
