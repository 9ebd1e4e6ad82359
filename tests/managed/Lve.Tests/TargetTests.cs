// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Text;
using FluentAssertions;
using Lve.Interop;
using LveRun;
using Xunit;

namespace Lve.Tests;

/// <summary>Resolving --user and --group against the account database, and the environment built from it.</summary>
public class TargetTests
{
    /// <summary>nobody's groups as id(1) lists them: not the bindings under test.</summary>
    private static uint[] NobodysGroups() =>
        ChildProcess.Run("/usr/bin/id", ["-G", "nobody"]).Stdout.Trim().Split(' ').Select(uint.Parse).ToArray();

    /// <summary>A caller as lverun records it: uid 61234, gid 61235, two groups.</summary>
    private static readonly Caller Someone = new(61234, 61235, [61235, 42], []);

    [Fact]
    public void Without_user_the_caller_s_recorded_ids_and_groups()
    {
        TargetIdentity target = TargetIdentity.Resolve(null, null, Someone);
        target.Uid.Should().Be(61234);
        target.Gid.Should().Be(61235);
        target.Groups.Should().Equal(61235u, 42u);
        target.Passwd.Should().BeNull();
    }

    [Fact]
    public void Without_user_a_group_replaces_only_the_primary_group()
    {
        TargetIdentity target = TargetIdentity.Resolve(null, "daemon", Someone);
        target.Uid.Should().Be(61234);
        target.Gid.Should().Be(1, "daemon is gid 1 on Debian");
        target.Groups.Should().Equal(61235u, 42u);
    }

    [Fact]
    public void A_user_by_name_or_uid_gets_its_primary_group_and_initgroups_list()
    {
        // nobody is 65534 on every distribution lverun targets
        foreach (string user in new[] { "nobody", "65534" })
        {
            TargetIdentity target = TargetIdentity.Resolve(user, null, Someone);
            target.Uid.Should().Be(65534);
            target.Gid.Should().Be(65534);
            target.Groups.Should().BeEquivalentTo(NobodysGroups());
            target.Passwd!.DisplayName.Should().Be("nobody");
        }
    }

    [Fact]
    public void A_group_replaces_the_primary_group_and_joins_the_list()
    {
        TargetIdentity target = TargetIdentity.Resolve("root", "daemon", Someone);
        target.Uid.Should().Be(0);
        target.Gid.Should().Be(1, "daemon is gid 1 on Debian");
        target.Groups.Should().Contain(target.Gid);
    }

    [Theory]
    [InlineData("no-such-user-lverun", null, "user 'no-such-user-lverun': no such user")]
    [InlineData(null, "no-such-group-lverun", "group 'no-such-group-lverun': no such group")]
    [InlineData("0", null, "user '0': a uid must be a number from 1 to 2147483647")]
    [InlineData("00", null, "user '00': a uid must be a number from 1 to 2147483647")]
    [InlineData("4294967295", null, "user '4294967295': a uid must be a number from 1 to 2147483647")]
    [InlineData(null, "0", "group '0': a gid must be a number from 1 to 2147483647")]
    [InlineData("2147483000", null, "user '2147483000': no such user")]
    [InlineData("", null, "user '': no such user")]
    [InlineData("root\0", null, "user 'root\0': no such user")]
    [InlineData(" root", null, "user ' root': no such user")]
    public void Unknown_or_malformed_names_are_errors_never_fallbacks(string? user, string? group, string message)
    {
        Action resolve = () => TargetIdentity.Resolve(user, group, Someone);
        LaunchFailure failure = resolve.Should().Throw<LaunchFailure>().Which;
        failure.ExitCode.Should().Be(ExitCode.Failed);
        failure.Message.Should().Be(message);
    }

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Without_user_the_environment_is_the_caller_s_in_order()
    {
        byte[][] caller = [B("PATH=/bin"), B("HOME=/root"), B("A=1"), B("A=2"), B("X"), B("=odd")];
        TargetEnvironment environment = TargetEnvironment.Build(caller, TargetIdentity.Resolve(null, null, Someone));
        environment.Entries.Should().BeEquivalentTo(caller, o => o.WithStrictOrdering());
        environment.Get("A").Should().Equal(B("1"));
        environment.Get("HOME").Should().Equal(B("/root"));
        environment.Get("NOPE").Should().BeNull();
    }

    [Fact]
    public void With_user_HOME_USER_and_LOGNAME_come_from_the_passwd_entry()
    {
        var passwd = new PasswdEntry(B("web1"), 1234, 1234, B("/home/w\u00e9b1"));
        var target = new TargetIdentity(1234, 1234, [1234], passwd);
        byte[][] caller = [B("HOME=/root"), B("PATH=/bin"), B("USER=root"), B("LOGNAME=root"), B("USERX=keep"), B("HOME=/again")];
        TargetEnvironment environment = TargetEnvironment.Build(caller, target);
        environment.Entries.Select(Encoding.UTF8.GetString).Should().Equal(
            "PATH=/bin", "USERX=keep", "HOME=/home/w\u00e9b1", "USER=web1", "LOGNAME=web1");
    }
}
