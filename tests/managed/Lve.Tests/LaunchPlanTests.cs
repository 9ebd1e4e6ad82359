// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Text;
using FluentAssertions;
using Lve.Interop;
using LveRun;
using Xunit;

namespace Lve.Tests;

/// <summary>
/// The plan lverun makes before it changes anything: the same decisions the
/// binary carries out, made here without entering an LVE.
/// </summary>
public class LaunchPlanTests
{
    private static readonly ConfigurationFile Config =
        new("/etc/lverun.conf", new Configuration(1000, [33], 0x17), null);

    private static readonly ConfigurationFile Broken =
        new("/etc/lverun.conf", Configuration.Defaults, "group-writable");

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static LaunchRequest Request(uint lve, string? user = null) => new(lve, user, null, user is null ? 0 : 2, ["true"]);

    private static string[] Entries(LaunchPlan plan) => plan.Environment.Entries.Select(Encoding.UTF8.GetString).ToArray();

    [Fact]
    public void Root_keeps_its_environment_and_searches_its_own_PATH()
    {
        var root = new Caller(0, 0, [0], [B("PATH=/usr/bin"), B("KEEP=1")]);
        LaunchPlan plan = LaunchPlan.Make(root, Request(4242), "true"u8, Config);
        plan.CommandText.Should().Be("/usr/bin/true");
        plan.Command[^1].Should().Be(0, "NUL-terminated for execve");
        Entries(plan).Should().Equal("PATH=/usr/bin", "KEEP=1");
        plan.Target.Uid.Should().Be(0);
        plan.ClosesInheritedFds.Should().BeFalse();
        plan.RunsAsAnotherUser.Should().BeFalse();
        plan.Umask.Should().Be(0x17);
    }

    [Fact]
    public void Root_without_PATH_searches_the_secure_path()
    {
        LaunchPlan plan = LaunchPlan.Make(new Caller(0, 0, [0], []), Request(4242), "true"u8, Config);
        plan.CommandText.Should().Be("/usr/bin/true", "/usr/local/sbin, /usr/local/bin and /usr/sbin come first and have no true");
    }

    [Fact]
    public void An_ordinary_caller_gets_the_whitelist_and_its_own_identity()
    {
        var alice = new Caller(61234, 61235, [61235, 42], [B("PATH=/evil"), B("LD_PRELOAD=/x.so"), B("LANG=C")]);
        LaunchPlan plan = LaunchPlan.Make(alice, Request(61234), "true"u8, Config);
        Entries(plan).Should().Equal("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C");
        plan.Target.Should().BeEquivalentTo(new { Uid = 61234u, Gid = 61235u, Groups = new uint[] { 61235, 42 } });
        plan.ClosesInheritedFds.Should().BeTrue();
        plan.RunsAsAnotherUser.Should().BeFalse();
        plan.CommandArgument.Should().Be(1);
    }

    [Fact]
    public void Refusals_come_before_any_lookup()
    {
        var alice = new Caller(61234, 61235, [61235], []);
        Action other = () => LaunchPlan.Make(alice, Request(61235), "true"u8, Config);
        other.Should().Throw<LaunchFailure>().WithMessage("LVE 61235: uid 61234 may enter only LVE 61234");
        Action broken = () => LaunchPlan.Make(alice, Request(61234), "true"u8, Broken);
        broken.Should().Throw<LaunchFailure>().WithMessage("/etc/lverun.conf: group-writable (only root may run lverun until it is fixed)");
        Action missing = () => LaunchPlan.Make(alice, Request(61234), "no-such-command-lverun"u8, Config);
        missing.Should().Throw<LaunchFailure>().Which.ExitCode.Should().Be(ExitCode.NotFound);
    }

    [Fact]
    public void Root_is_told_about_an_invalid_configuration_and_goes_on()
    {
        string? said = null;
        LaunchPlan plan = LaunchPlan.Make(new Caller(0, 0, [0], []), Request(4242), "true"u8, Broken, (what, why) => said = what + ": " + why);
        said.Should().Be("/etc/lverun.conf: group-writable (ignored: root runs with the defaults)");
        plan.Umask.Should().Be(-1, "the defaults keep the caller's umask");
    }
}
