// SPDX-License-Identifier: MIT
using System;
using System.Text;
using FluentAssertions;
using Lve.Interop;
using LveRun;
using Xunit;

namespace Lve.Tests;

/// <summary>
/// SECURITY.md rule 11 as a pure function: the caller's real uid, the
/// configuration, the request and the target in; allowed (null) or the
/// refusal out.  The setuid lane runs the same table through the real
/// binary (tests/setuid PolicyMatrixTests).
/// </summary>
public class CallerPolicyTests
{
    private const uint Web = 33, Alice = 1001, Bob = 1002, Low = 500;

    private const uint Sudo = 27, Hosting = 5000;

    private static readonly ConfigurationFile File =
        new("/etc/lverun.conf", new Configuration(1000, [Web], null) { DeniedGroups = [new GroupRef(Sudo, "sudo")] }, null);

    /// <summary>max_uid 1001 and target_group hosting.</summary>
    private static readonly ConfigurationFile Narrow =
        new("/etc/lverun.conf", new Configuration(1000, [Web], null)
        {
            MaxUid = 1001, DeniedGroups = [new GroupRef(Sudo, "sudo")], TargetGroup = new GroupRef(Hosting, "hosting"),
        }, null);

    private static readonly ConfigurationFile Broken =
        new("/etc/lverun.conf", Configuration.Defaults, "group-writable");

    private static TargetIdentity Target(uint uid, uint? gid = null) =>
        new(uid, gid ?? uid, [gid ?? uid], new PasswdEntry("u"u8.ToArray(), uid, gid ?? uid, "/home/u"u8.ToArray()));

    private static LaunchRequest Request(uint lve, string? user = null, string? group = null) =>
        new(lve, user, group, 1, ["true"]);

    /// <summary>caller, LVE, --user (uid or null), --group, target gid, the error line (null: allowed).</summary>
    public static TheoryData<uint, uint, uint?, string?, uint?, string?> Table => new()
    {
        // root: anything
        { 0, Alice, null, null, null, null },
        { 0, Alice, Bob, null, null, null },
        { 0, Alice, 0, "daemon", null, null },
        { 0, 2147483647, 0, null, 0, null },
        // ordinary: its own LVE, as itself
        { Alice, Alice, null, null, null, null },
        { Alice, Bob, null, null, null, "LVE 1002: uid 1001 may enter only LVE 1001" },
        { Alice, Alice, Alice, null, null, "--user: only root and trusted callers may run a command as another user" },
        { Alice, Alice, Bob, null, null, "--user: only root and trusted callers may run a command as another user" },
        { Alice, Alice, null, "users", null, "--group: only root may choose the group" },
        { Low, Low, null, null, null, "uid 500: below min_uid 1000: only root may run lverun for it" },
        // trusted: --user to a target at or above min_uid, in the target's LVE
        { Web, Alice, Alice, null, null, null },
        { Web, Bob, Alice, null, null, "LVE 1002: a command as uid 1001 runs only in LVE 1001" },
        { Web, Web, Alice, null, null, "LVE 33: a command as uid 1001 runs only in LVE 1001" },
        { Web, Low, Low, null, null, "user 'u500': uid 500 is below min_uid 1000: a trusted caller may not run commands as it" },
        { Web, 1, 0, null, null, "user 'u0': uid 0 is below min_uid 1000: a trusted caller may not run commands as it" },
        { Web, Alice, Alice, "users", null, "--group: only root may choose the group" },
        { Web, Alice, Alice, null, 0, "user 'u1001': its primary group is root's: a trusted caller may not run commands as it" },
        { Web, Web, null, null, null, "uid 33: below min_uid 1000: only root may run lverun for it" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Who_may_do_what(uint caller, uint lve, uint? user, string? group, uint? gid, string? refusal)
    {
        uint targetUid = user ?? caller;
        TargetIdentity target = Target(targetUid, gid);
        LaunchRequest request = Request(lve, user is { } u ? "u" + u.ToString(System.Globalization.CultureInfo.InvariantCulture) : null, group);
        LaunchFailure? failure = CallerPolicy.Check(caller, File, request, target);
        if (refusal is null)
        {
            failure.Should().BeNull();
            return;
        }
        failure.Should().NotBeNull();
        failure!.ExitCode.Should().Be(125);
        failure.Message.Should().Be(refusal);
    }

    /// <summary>
    /// Rule 23: a trusted caller's target.  target uid, gid, supplementary
    /// groups, the configuration (default or narrow), the refusal (null:
    /// allowed).
    /// </summary>
    public static TheoryData<uint, uint, uint[], string, string?> Targets => new()
    {
        { Alice, Alice, [Alice], "default", null },
        { 60000, 60000, [60000], "default", null },
        { 60001, 60001, [60001], "default", "uid 60001 is above max_uid 60000" },
        { 65534, 65534, [65534], "default", "uid 65534 is above max_uid 60000" },
        { Alice, 0, [0], "default", "its primary group is root's" },
        { Alice, Alice, [Alice, 0], "default", "it is in root's group (gid 0)" },
        { Alice, Sudo, [Sudo], "default", "it is in group 'sudo' (gid 27), which denied_groups lists" },
        { Alice, Alice, [Alice, 100, Sudo], "default", "it is in group 'sudo' (gid 27), which denied_groups lists" },
        { Alice, Alice, [Alice, Hosting], "narrow", null },
        { Alice, Hosting, [Hosting], "narrow", null },
        { Alice, Alice, [Alice], "narrow", "it is not in target_group 'hosting'" },
        { Bob, Bob, [Bob, Hosting], "narrow", "uid 1002 is above max_uid 1001" },
        { Alice, Alice, [Alice, Hosting, 0], "narrow", "it is in root's group (gid 0)" },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void A_trusted_caller_s_target_has_no_privilege(uint uid, uint gid, uint[] groups, string config, string? refusal)
    {
        var target = new TargetIdentity(uid, gid, groups, new PasswdEntry("t"u8.ToArray(), uid, gid, "/home/t"u8.ToArray()));
        LaunchFailure? failure = CallerPolicy.Check(Web, config == "narrow" ? Narrow : File, Request(uid, "t"), target);
        if (refusal is null)
            failure.Should().BeNull();
        else
            failure!.Message.Should().Be("user 't': " + refusal + ": a trusted caller may not run commands as it");
    }

    /// <summary>nobody is never a target, whatever max_uid allows.</summary>
    [Theory]
    [InlineData("nobody", 65534u)]
    [InlineData("nobody", 4000u)]
    [InlineData("nfsnobody", 4001u)]
    [InlineData("someone", 65534u)]
    public void Nobody_is_never_a_target(string name, uint uid)
    {
        var wide = new ConfigurationFile("/etc/lverun.conf", new Configuration(1000, [Web], null) { MaxUid = 70000 }, null);
        var target = new TargetIdentity(uid, 5001, [5001], new PasswdEntry(Encoding.UTF8.GetBytes(name), uid, 5001, "/"u8.ToArray()));
        CallerPolicy.Check(Web, wide, Request(uid, name), target)!.Message
            .Should().Be("user '" + name + "': the overflow account nobody: a trusted caller may not run commands as it");
    }

    [Theory]
    [InlineData(Alice)]
    [InlineData(Web)]
    public void A_broken_configuration_refuses_everyone_but_root(uint caller)
    {
        LaunchFailure? failure = CallerPolicy.BeforeLookup(caller, Broken, Request(caller));
        failure!.Message.Should().Be("/etc/lverun.conf: group-writable (only root may run lverun until it is fixed)");
        CallerPolicy.BeforeLookup(0, Broken, Request(Alice, "x", "y")).Should().BeNull();
    }

    [Fact]
    public void Callers_are_told_apart_by_uid()
    {
        CallerPolicy.Classify(0, File.Configuration).Should().Be(CallerKind.Root);
        CallerPolicy.Classify(Web, File.Configuration).Should().Be(CallerKind.Trusted);
        CallerPolicy.Classify(Alice, File.Configuration).Should().Be(CallerKind.Ordinary);
        CallerPolicy.Classify(Web, Configuration.Defaults).Should().Be(CallerKind.Ordinary);
    }
}
