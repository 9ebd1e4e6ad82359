// SPDX-License-Identifier: MIT
using FluentAssertions;
using Lve.Interop;
using Xunit;

namespace Lve.Tests;

/// <summary>The one accepted spelling of an LVE id, uid or gid (SECURITY.md rule 10).</summary>
public class IdNumberTests
{
    [Theory]
    [InlineData("1", 1u)]
    [InlineData("9", 9u)]
    [InlineData("1001", 1001u)]
    [InlineData("65534", 65534u)]
    [InlineData("1000000000", 1000000000u)]
    [InlineData("2147483647", 2147483647u)]
    public void Accepts(string text, uint expected)
    {
        IdNumber.TryParse(text, out uint value).Should().BeTrue();
        value.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("00")]
    [InlineData("05")]
    [InlineData("-1")]
    [InlineData("-0")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("5\n")]
    [InlineData("\t5")]
    [InlineData("1_000")]
    [InlineData("1,000")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("2147483648")]
    [InlineData("4294967295")]
    [InlineData("4294967296")]
    [InlineData("9999999999")]
    [InlineData("10000000000")]
    [InlineData("12345678901")]
    [InlineData("１２")]          // full-width digits
    [InlineData("٣")]             // Arabic-Indic three
    [InlineData("5\u0000")]
    [InlineData("abc")]
    public void Refuses(string text)
    {
        IdNumber.TryParse(text, out uint value).Should().BeFalse();
        value.Should().Be(0);
    }

    [Fact]
    public void Refuses_null() => IdNumber.TryParse(null, out _).Should().BeFalse();
}
