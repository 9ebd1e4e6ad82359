// SPDX-License-Identifier: MIT
using System.IO;
using System.Linq;
using System.Text.Json;
using FluentAssertions;
using Lve.Interop;
using LveCtl;
using Xunit;

namespace Lve.Ctl.Tests;

/// <summary>The JSON keys are lvectl's stable interface (lvectl(8)): exactly these, with these kinds of values.</summary>
public class JsonSchemaTests
{
    private static readonly LveUsage Sample = new(
        CpuNanoseconds: 12_500_000_000, CpuThrottledNanoseconds: 1, Pmem: 512ul << 20, PmemPeak: 1ul << 30, Nproc: 7, Ep: 2,
        IoReadBytes: 1000, IoWriteBytes: 2000, IoReadOps: 10, IoWriteOps: 20,
        FaultSpeed: 3, FaultPmem: 4, FaultOom: 1, FaultNproc: 5, FaultEp: 6);

    private static LveLimits AllLimits()
    {
        LveLimits limits = LveLimits.None;
        foreach (LveLimit limit in LveLimit.All)
            limits = limits.With(limit, limit.Builtin);
        return limits.With(LveLimit.Named("pmem"), 1ul << 30);
    }

    private static JsonElement Render(UsageRow row)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
            row.WriteJson(w);
        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    [Fact]
    public void The_keys_are_exactly_those_of_the_issue()
    {
        JsonElement e = Render(new UsageRow(1001, "alice", null, AllLimits(), Sample, null, null, null, null));
        e.EnumerateObject().Select(p => p.Name).Should().Equal("id", "user", "limits", "usage", "faults");
        e.GetProperty("limits").EnumerateObject().Select(p => p.Name).Should()
            .BeEquivalentTo("speed", "pmem", "nproc", "ep", "io", "iops", "io_weight");
        e.GetProperty("usage").EnumerateObject().Select(p => p.Name).Should().Equal(
            "cpu_percent", "cpu_seconds", "pmem", "pmem_peak", "nproc", "ep", "io_read_bps", "io_write_bps", "iops");
        e.GetProperty("faults").EnumerateObject().Select(p => p.Name).Should().Equal("speed", "pmem", "oom", "nproc", "ep");
        UsageRow.UsageKeys.Should().Equal(e.GetProperty("usage").EnumerateObject().Select(p => p.Name));
        UsageRow.FaultKeys.Should().Equal(e.GetProperty("faults").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Bytes_are_integers_percent_a_number_and_rates_null_without_an_interval()
    {
        JsonElement e = Render(new UsageRow(1001, null, true, AllLimits(), Sample, null, null, null, null));
        e.GetProperty("id").GetUInt32().Should().Be(1001);
        e.GetProperty("user").ValueKind.Should().Be(JsonValueKind.Null);
        e.GetProperty("configured").GetBoolean().Should().BeTrue("list adds configured");
        e.GetProperty("limits").GetProperty("pmem").GetRawText().Should().Be("1073741824");
        JsonElement u = e.GetProperty("usage");
        u.GetProperty("pmem").GetRawText().Should().Be("536870912");
        u.GetProperty("pmem_peak").GetUInt64().Should().Be(1ul << 30);
        u.GetProperty("cpu_seconds").GetDouble().Should().Be(12.5);
        foreach (string rate in new[] { "cpu_percent", "io_read_bps", "io_write_bps", "iops" })
            u.GetProperty(rate).ValueKind.Should().Be(JsonValueKind.Null, rate + " needs --interval");
        e.GetProperty("faults").GetProperty("oom").GetUInt64().Should().Be(1);
    }

    [Fact]
    public void Rates_come_from_two_samples()
    {
        LveUsage before = Sample with { CpuNanoseconds = 10_000_000_000, IoReadBytes = 0, IoWriteBytes = 0, IoReadOps = 0, IoWriteOps = 0 };
        UsageRow row = new UsageRow(5, null, null, AllLimits(), Sample, null, null, null, null).WithRates(before, 2.0);
        JsonElement u = Render(row).GetProperty("usage");
        u.GetProperty("cpu_percent").GetDouble().Should().Be(125.0, "2.5 s of CPU in 2 s is 125% of one core");
        u.GetProperty("io_read_bps").GetRawText().Should().Be("500");
        u.GetProperty("io_write_bps").GetRawText().Should().Be("1000");
        u.GetProperty("iops").GetRawText().Should().Be("15");
    }

    [Fact]
    public void A_counter_the_kernel_does_not_keep_is_null_not_zero()
    {
        LveUsage partial = Sample with { PmemPeak = null, FaultOom = null, IoReadBytes = null };
        LveUsage before = partial with { CpuNanoseconds = 0 };
        JsonElement e = Render(new UsageRow(5, null, null, AllLimits(), partial, null, null, null, null).WithRates(before, 1));
        e.GetProperty("usage").GetProperty("pmem_peak").ValueKind.Should().Be(JsonValueKind.Null);
        e.GetProperty("usage").GetProperty("io_read_bps").ValueKind.Should().Be(JsonValueKind.Null);
        e.GetProperty("usage").GetProperty("io_write_bps").ValueKind.Should().Be(JsonValueKind.Number);
        e.GetProperty("faults").GetProperty("oom").ValueKind.Should().Be(JsonValueKind.Null);
    }
}
