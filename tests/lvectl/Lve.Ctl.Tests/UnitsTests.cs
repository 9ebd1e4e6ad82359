// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using FluentAssertions;
using Lve.Interop;
using Xunit;

namespace Lve.Ctl.Tests;

/// <summary>A limit's value as people write it (LveLimit.Parse and Format), one table per unit.</summary>
public class UnitsTests
{
    private const ulong K = 1024, M = K * K, G = M * K, T = G * K;

    public static TheoryData<string, string, ulong> Accepted => new()
    {
        // sizes: every suffix, both cases, IEC spellings, fractions that make whole bytes
        { "pmem", "4096B", 4096 },
        { "pmem", "8K", 8 * K },
        { "pmem", "8k", 8 * K },
        { "pmem", "8KiB", 8 * K },
        { "pmem", "512M", 512 * M },
        { "pmem", "512MiB", 512 * M },
        { "pmem", "1G", G },
        { "pmem", "1g", G },
        { "pmem", "1GiB", G },
        { "pmem", "1.5G", 3 * G / 2 },
        { "pmem", "2T", 2 * T },
        { "pmem", "64T", 64 * T },
        { "pmem", " 1G ", G },
        { "pmem", "0", 0 },
        { "pmem", "unlimited", 0 },
        { "pmem", "Unlimited", 0 },
        // rates: the same, and /s
        { "io", "10M", 10 * M },
        { "io", "10M/s", 10 * M },
        { "io", "4K/s", 4 * K },
        { "io", "1T", T },
        { "io", "unlimited", 0 },
        // percent of one core: with or without %
        { "speed", "150%", 150 },
        { "speed", "150", 150 },
        { "speed", "1%", 1 },
        { "speed", "100000%", 100000 },
        { "speed", "0", 0 },
        { "speed", "unlimited", 0 },
        // counts, operations, weight
        { "nproc", "100", 100 },
        { "nproc", "unlimited", 0 },
        { "ep", "20", 20 },
        { "iops", "1000", 1000 },
        { "io_weight", "1", 1 },
        { "io_weight", "1000", 1000 },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepted_values(string name, string text, ulong expected) =>
        LveLimit.Named(name).Parse(text).Should().Be(expected);

    public static TheoryData<string, string, string> Refused => new()
    {
        // a size without a unit: both likely meanings in the message
        { "pmem", "2048", "pmem '2048': a size needs a unit: did you mean 2048M (2G) or 2048 bytes (2048B)?" },
        { "pmem", "1", "did you mean 1M (1M) or 1 bytes (1B)?" },
        { "io", "10", "did you mean 10M (10M/s) or 10 bytes/s (10B)?" },
        // overflow, range
        { "pmem", "99999999999999999999T", "too large" },
        { "pmem", "18446744073709551616B", "too large" },
        { "pmem", "17179869184T", "too large" },
        { "pmem", "65T", "above the largest; pmem takes 4K..64T or unlimited (0)" },
        { "pmem", "1K", "below the smallest" },
        { "io", "2048T", "above the largest" },
        { "speed", "100001", "above the largest" },
        { "speed", "99999999999999999999999", "too large" },
        { "nproc", "4194305", "above the largest" },
        { "nproc", "18446744073709551616", "too large" },
        // syntax
        { "pmem", "", "empty value" },
        { "pmem", "G", "not a size" },
        { "pmem", "-1G", "not a size" },
        { "pmem", "1.1K", "not a whole number of bytes" },
        { "pmem", "1..5G", "not a size" },
        { "pmem", "1GB", "unknown unit 'GB'" },
        { "pmem", "1X", "unknown unit 'X'" },
        { "pmem", "1G/s", "unknown unit" },
        { "speed", "1.5", "not a percentage" },
        { "speed", "abc%", "not a percentage" },
        { "nproc", "1K", "not a whole number" },
        { "nproc", "-5", "not a whole number" },
        { "iops", "1e3", "not a whole number" },
        // io_weight has no "no limit"
        { "io_weight", "unlimited", "io_weight is always limited; it takes 1..1000" },
        { "io_weight", "0", "0 is not allowed" },
        { "io_weight", "1001", "above the largest" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refused_values_say_why(string name, string text, string message)
    {
        LveLimit limit = LveLimit.Named(name);
        limit.TryParse(text, out _, out string? error).Should().BeFalse();
        error.Should().Contain(message);
        error.Should().StartWith(name).And.NotContain("\n");
        Action parse = () => limit.Parse(text);
        parse.Should().Throw<FormatException>().WithMessage("*" + message + "*");
    }

    public static TheoryData<string, ulong, string> Formatted => new()
    {
        { "pmem", G, "1G" },
        { "pmem", 3 * G / 2, "1536M" },
        { "pmem", 4097, "4097B" },
        { "pmem", 64 * T, "64T" },
        { "pmem", 0, "unlimited" },
        { "io", 10 * M, "10M" },
        { "speed", 150, "150%" },
        { "speed", 0, "unlimited" },
        { "nproc", 100, "100" },
        { "io_weight", 100, "100" },
    };

    [Theory]
    [MemberData(nameof(Formatted))]
    public void Format_reads_back_exactly(string name, ulong value, string text)
    {
        LveLimit limit = LveLimit.Named(name);
        limit.Format(value).Should().Be(text);
        limit.Parse(text).Should().Be(value);
    }

    [Fact]
    public void Every_limit_of_the_table_round_trips_its_range()
    {
        LveLimit.All.Should().NotBeEmpty();
        foreach (LveLimit limit in LveLimit.All)
        {
            foreach (ulong v in new[] { limit.Min, limit.Max, limit.Builtin }.Where(limit.Accepts))
                limit.Parse(limit.Format(v)).Should().Be(v, limit.Name + " " + v);
            limit.TryParse(limit.Format(limit.Max) + "0", out _, out _).Should().BeFalse(limit.Name + " past its max");
        }
    }

    [Fact]
    public void The_table_has_the_limits_of_the_issue() =>
        LveLimit.All.Select(l => l.Name).Should().BeEquivalentTo("speed", "pmem", "nproc", "ep", "io", "iops", "io_weight");

    [Theory]
    [InlineData(512, "512B")]
    [InlineData(9728, "9.5K")]
    [InlineData(123456789, "117.7M")]
    [InlineData(1073741824, "1G")]
    [InlineData(1099511627776, "1T")]
    public void Short_sizes_for_tables(ulong bytes, string text) => LveLimit.ShortSize(bytes).Should().Be(text);
}
