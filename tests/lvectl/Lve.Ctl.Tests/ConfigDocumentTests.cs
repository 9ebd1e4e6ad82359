// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using FluentAssertions;
using Lve.Interop;
using LveCtl;
using Xunit;

namespace Lve.Ctl.Tests;

/// <summary>The configuration as text: parsing, every kind of bad line, and edits that keep the admin's comments.</summary>
public class ConfigDocumentTests
{
    private const string Sample =
        """
        # /etc/lve/lve.conf - written by hand, then by lvectl
        parent = /lve      # where LVEs live

        # every account
        [default]
        speed = 100%
        pmem = 1G          # the shop needs more, see below

        # Alice's shop
        [lve 1001]
        user = alice
        pmem = 2G          # raised 2026-11-01
        ep = 30

           [ lve   1002 ]
        	nproc=50

        """;

    private static LveLimit L(string name) => LveLimit.Named(name);

    [Fact]
    public void Parses_every_part()
    {
        ConfigDocument doc = ConfigDocument.Parse(Sample);
        doc.Parent.Should().Be("/lve");
        doc.Defaults.ToString().Should().Be("speed=100 pmem=1073741824");
        doc.Lves.Select(l => l.Id).Should().Equal(1001u, 1002u);
        doc.Find(1001)!.User.Should().Be("alice");
        doc.Find(1001)!.Limits.ToString().Should().Be("pmem=2147483648 ep=30");
        doc.Find(1002)!.Limits.ToString().Should().Be("nproc=50");
        doc.Text.Should().Be(Sample, "parsing alone changes nothing");
    }

    [Fact]
    public void Effective_limits_are_builtin_then_default_then_own()
    {
        ConfigDocument doc = ConfigDocument.Parse(Sample);
        LveLimits e = doc.Effective(1001);
        e[L("speed")].Should().Be(100);
        e[L("pmem")].Should().Be(2ul << 30, "its own");
        e[L("ep")].Should().Be(30);
        e[L("io_weight")].Should().Be(L("io_weight").Builtin, "nobody set it");
        doc.Effective(4242)[L("pmem")].Should().Be(1ul << 30, "an LVE not configured gets the defaults");
        foreach (LveLimit limit in LveLimit.All)
            e.Has(limit).Should().BeTrue("every limit has a value");
    }

    [Fact]
    public void Changing_a_value_keeps_every_other_byte()
    {
        ConfigDocument doc = ConfigDocument.Parse(Sample).WithLve(1001, null, LveLimits.None.With(L("pmem"), 3ul << 30));
        doc.Text.Should().Be(Sample.Replace("pmem = 2G          # raised", "pmem = 3G          # raised", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_limit_goes_after_the_sections_last_setting()
    {
        ConfigDocument doc = ConfigDocument.Parse(Sample).WithLve(1002, "bob", LveLimits.None.With(L("speed"), 50).With(L("nproc"), 60));
        doc.Text.Should().Be(Sample.Replace("\tnproc=50\n", "\tnproc=60\nuser = bob\nspeed = 50%\n", StringComparison.Ordinal));
        doc.Find(1002)!.User.Should().Be("bob");
    }

    [Fact]
    public void A_new_LVE_goes_at_the_end()
    {
        ConfigDocument doc = ConfigDocument.Parse(Sample).WithLve(7, "carol", LveLimits.None.With(L("pmem"), 512ul << 20));
        doc.Text.Should().Be(Sample + "\n[lve 7]\nuser = carol\npmem = 512M\n");
    }

    [Fact]
    public void A_new_setting_goes_after_its_commented_out_example()
    {
        const string text = "[default]\n# CPU\n#speed = 100%\n# memory\n#pmem = 1G\n\n[lve 5]\n";
        ConfigDocument.Parse(text).WithDefaults(LveLimits.None.With(L("pmem"), 2ul << 30).With(L("speed"), 50).With(L("ep"), 9)).Text
            .Should().Be("[default]\nep = 9\n# CPU\n#speed = 100%\nspeed = 50%\n# memory\n#pmem = 1G\npmem = 2G\n\n[lve 5]\n",
                "without an example or a setting, right after the header");
    }

    [Fact]
    public void Defaults_are_made_before_the_first_LVE_and_its_comments()
    {
        const string text = "# head\n\n# Alice\n[lve 1001]\npmem = 2G\n";
        ConfigDocument doc = ConfigDocument.Parse(text).WithDefaults(LveLimits.None.With(L("nproc"), 100));
        doc.Text.Should().Be("# head\n\n[default]\nnproc = 100\n\n# Alice\n[lve 1001]\npmem = 2G\n");
        ConfigDocument.Parse(Sample).WithDefaults(LveLimits.None.With(L("pmem"), 2ul << 30)).Text
            .Should().Be(Sample.Replace("pmem = 1G          # the shop", "pmem = 2G          # the shop", StringComparison.Ordinal));
    }

    [Fact]
    public void Unset_drops_settings_and_keeps_comments()
    {
        ConfigDocument doc = ConfigDocument.Parse(Sample);
        doc.WithoutLve(1001, [L("pmem")]).Text.Should().Be(Sample.Replace("pmem = 2G          # raised 2026-11-01\n", "", StringComparison.Ordinal));
        doc.WithoutLve(1001, null).Text.Should().Be(Sample.Replace("[lve 1001]\nuser = alice\npmem = 2G          # raised 2026-11-01\nep = 30\n", "", StringComparison.Ordinal),
            "the header and the settings go; the comment above stays");
        doc.WithoutLve(1002, null).Text.Should().Be(Sample.Replace("\n   [ lve   1002 ]\n\tnproc=50\n", "", StringComparison.Ordinal));
        doc.WithoutLve(4242, null).Should().BeSameAs(doc, "removing what is not there changes nothing");
    }

    [Fact]
    public void An_empty_file_takes_edits()
    {
        ConfigDocument doc = ConfigDocument.Empty.WithLve(1001, null, LveLimits.None.With(L("pmem"), 1ul << 30));
        doc.Text.Should().Be("[lve 1001]\npmem = 1G\n");
        doc.WithDefaults(LveLimits.None.With(L("speed"), 200)).Text.Should().Be("[default]\nspeed = 200%\n\n[lve 1001]\npmem = 1G\n");
    }

    [Fact]
    public void Round_trip_of_every_edit_reads_back()
    {
        ConfigDocument doc = ConfigDocument.Parse(Sample);
        foreach (LveLimit limit in LveLimit.All)
        {
            ulong v = limit.Accepts(limit.Max) ? limit.Max : limit.Min;
            doc = doc.WithLve(1002, null, LveLimits.None.With(limit, v));
            ConfigDocument.Parse(doc.Text).Find(1002)!.Limits[limit].Should().Be(v, limit.Name);
        }
        doc.Text.Should().StartWith(Sample.Split("   [ lve")[0], "everything before the section is untouched");
    }

    public static TheoryData<string, int, string> BadLines => new()
    {
        { "[default\n", 1, "a section header must end with ']'" },
        { "[global]\n", 1, "unknown section [global] (sections are [default] and [lve ID])" },
        { "[lve 0]\n", 1, "[lve 0]: not an LVE id" },
        { "[lve 01]\n", 1, "[lve 01]: not an LVE id" },
        { "[lve 2147483648]\n", 1, "not an LVE id" },
        { "[lve x]\n", 1, "not an LVE id" },
        { "[lve 5]\n\n[lve 5]\n", 3, "[lve 5] again (first on line 1)" },
        { "[default]\n[default]\n", 2, "[default] again (first on line 1)" },
        { "[default]\npmem = 1G\npmem = 2G\n", 3, "pmem set again (first on line 2)" },
        { "[lve 5]\nuser = a\nuser = b\n", 3, "user set again (first on line 2)" },
        { "[default]\nvmem = 1G\n", 2, "unknown limit 'vmem' (limits: speed, io_weight, pmem, nproc, ep, io, iops)" },
        { "[default]\nio-weight = 100\n", 2, "unknown limit 'io-weight'" },
        { "pmem = 1G\n", 1, "unknown host-wide setting 'pmem' (only parent; limits belong in [default] or [lve ID])" },
        { "parent = lve\n", 1, "parent 'lve': not an absolute cgroup path like /lve" },
        { "parent = /lve/../x\n", 1, "not an absolute cgroup path" },
        { "parent = /\n", 1, "not an absolute cgroup path" },
        { "parent = /lve//x\n", 1, "not an absolute cgroup path" },
        { "# fine\nparent /lve\n", 2, "not a 'key = value' line nor a [section]" },
        { "[default]\n= 1G\n", 2, "no key before '='" },
        { "[default]\npmem =\n", 2, "pmem: no value" },
        { "[default]\npmem = # nothing\n", 2, "pmem: no value" },
        { "[default]\npmem = 2048\n", 2, "pmem '2048': a size needs a unit" },
        { "[default]\nspeed = fast\n", 2, "speed 'fast': not a percentage" },
        { "[default]\nnproc = 99999999999999999999\n", 2, "nproc '99999999999999999999': too large" },
        { "[default]\nuser = alice\n", 2, "user belongs in an [lve ID] section" },
        { "[lve 5]\nuser = al ice\n", 2, "user 'al ice': not a user name" },
        { "[lve 5]\nuser = a:b\n", 2, "not a user name" },
        { "[lve 5]\npmem = 1G\u0001\n", 2, "a control character" },
        { "\n\n\n[lve 5]\n\npmem = lots\n", 6, "pmem 'lots'" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void A_bad_line_is_reported_with_its_number(string text, int line, string why)
    {
        Action parse = () => ConfigDocument.Parse(text);
        ConfigSyntaxException e = parse.Should().Throw<ConfigSyntaxException>().Which;
        e.Line.Should().Be(line);
        e.Why.Should().Contain(why);
        e.Message.Should().StartWith("line " + line + ": ");
    }

    [Theory]
    [InlineData("parent = /a#b\n", "/a#b")]         // '#' not after a blank is part of the value, as liblve reads it
    [InlineData("parent = /a #b\n", "/a")]
    [InlineData("parent=/lve\t# tab\n", "/lve")]
    [InlineData("parent = /lve\r\n", "/lve")]
    [InlineData("  parent =  /x/y  \n", "/x/y")]
    public void Comments_and_blanks_as_liblve_reads_them(string text, string parent) =>
        ConfigDocument.Parse(text).Parent.Should().Be(parent);

    [Fact]
    public void Limit_keys_and_options_come_from_the_table()
    {
        // every limit of liblve's table is a key: a limit added there needs no change here
        string text = "[default]\n" + string.Join('\n', LveLimit.All.Select(l => l.Name + " = " + l.Format(l.Min))) + "\n";
        ConfigDocument doc = ConfigDocument.Parse(text);
        foreach (LveLimit limit in LveLimit.All)
            doc.Defaults[limit].Should().Be(limit.Min, limit.Name);
    }
}
